import { promises as dns, type LookupAddress } from 'node:dns';
import type { Provider } from '@nestjs/common';
import { AppConfig } from '@app/platform';

/** Turns a webhook's host name into the addresses a delivery may connect to. */
export abstract class WebhookResolver {
  /** Every address the name has; rejects when it has none. */
  abstract resolve(hostname: string): Promise<LookupAddress[]>;
}

/** getaddrinfo, as any client on this host would resolve the name. */
class SystemResolver extends WebhookResolver {
  resolve(hostname: string): Promise<LookupAddress[]> {
    return dns.lookup(hostname, { all: true, order: 'verbatim' });
  }
}

/** Asks the given DNS servers for A and AAAA records, bypassing /etc/hosts and search domains. */
class ServersResolver extends WebhookResolver {
  private readonly resolver = new dns.Resolver({ timeout: 2_000, tries: 2 });

  constructor(servers: string[]) {
    super();
    this.resolver.setServers(servers);
  }

  async resolve(hostname: string): Promise<LookupAddress[]> {
    const [v4, v6] = await Promise.allSettled([
      this.resolver.resolve4(hostname),
      this.resolver.resolve6(hostname),
    ]);
    const addresses = [
      ...(v4.status === 'fulfilled' ? v4.value.map((address) => ({ address, family: 4 })) : []),
      ...(v6.status === 'fulfilled' ? v6.value.map((address) => ({ address, family: 6 })) : []),
    ];
    if (addresses.length === 0) {
      throw v4.status === 'rejected' ? v4.reason : new Error(`${hostname} has no address`);
    }
    return addresses;
  }
}

export const WEBHOOK_RESOLVER: Provider = {
  provide: WebhookResolver,
  inject: [AppConfig],
  useFactory: (config: AppConfig): WebhookResolver =>
    config.webhookDnsServers.length > 0
      ? new ServersResolver(config.webhookDnsServers)
      : new SystemResolver(),
};
