# One image for every PLATFORMA process: PLATFORMA_APP picks the monolith (platforma) or one of the eight apps.
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN bash scripts/build.sh && npm prune --omit=dev

FROM node:24-bookworm-slim
# The libvirt provisioning driver talks to the hypervisor nodes through virsh (qemu+ssh needs the ssh client) and
# builds each machine's cloud-init seed with genisoimage and openssl (the root password's hash).
RUN apt-get update \
  && apt-get install -y --no-install-recommends libvirt-clients openssh-client genisoimage openssl \
  && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production PLATFORMA_APP=platforma PORT=3000
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY scripts/docker-entrypoint.sh ./docker-entrypoint.sh
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s \
  CMD node -e "fetch('http://127.0.0.1:'+process.env.PORT+'/health/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
ENTRYPOINT ["sh", "./docker-entrypoint.sh"]
