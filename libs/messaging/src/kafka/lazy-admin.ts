import type { Admin, Kafka } from 'kafkajs';

/** One admin connection, opened at first use and opened again after a failed connect or a close. */
export class LazyAdmin {
  private admin?: Promise<Admin>;

  constructor(private readonly kafka: Kafka) {}

  connected(): Promise<Admin> {
    if (!this.admin) {
      const admin = this.kafka.admin();
      this.admin = admin.connect().then(
        () => admin,
        (error: unknown) => {
          this.admin = undefined;
          throw error;
        },
      );
    }
    return this.admin;
  }

  async close(): Promise<void> {
    const admin = await this.admin?.catch(() => undefined);
    this.admin = undefined;
    await admin?.disconnect();
  }
}
