# shellcheck shell=bash
# Development only: a token signing key pair and an operator admin API key, made once into .run/ (git-ignored)
# when the environment does not provide them. Production sets JWT_* and BOOTSTRAP_ADMIN_API_KEY itself.
ensure_dev_secrets() {
  local dir="$ROOT/.run/secrets"
  mkdir -p "$dir"
  chmod 700 "$dir"
  if [ -z "${JWT_PUBLIC_KEY:-}" ]; then
    if [ ! -f "$dir/jwt-public.pem" ]; then
      node -e "
        const { generateKeyPairSync } = require('node:crypto');
        const fs = require('node:fs');
        const { publicKey, privateKey } = generateKeyPairSync('ed25519');
        fs.writeFileSync('$dir/jwt-private.pem', privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
        fs.writeFileSync('$dir/jwt-public.pem', publicKey.export({ type: 'spki', format: 'pem' }));
      "
      log "generated a development token signing key pair in .run/secrets/"
    fi
    JWT_PUBLIC_KEY="$(cat "$dir/jwt-public.pem")"
    JWT_PRIVATE_KEY="$(cat "$dir/jwt-private.pem")"
    export JWT_PUBLIC_KEY JWT_PRIVATE_KEY
  fi
  if [ -z "${BOOTSTRAP_ADMIN_API_KEY:-}" ]; then
    if [ ! -f "$dir/admin-api-key" ]; then
      node -e "process.stdout.write('pk_admin_' + require('node:crypto').randomBytes(32).toString('base64url'))" \
        >"$dir/admin-api-key"
      chmod 600 "$dir/admin-api-key"
      log "generated the operator's admin API key: .run/secrets/admin-api-key"
    fi
    BOOTSTRAP_ADMIN_API_KEY="$(cat "$dir/admin-api-key")"
    export BOOTSTRAP_ADMIN_API_KEY
  fi
}
