import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { KafkaJsInstrumentation } from '@opentelemetry/instrumentation-kafkajs';
import { Kafka } from 'kafkajs';
import { restoreRecordTrace } from './tracing.js';

/**
 * @opentelemetry/instrumentation-kafkajs on the kafkajs this library uses: a `send <topic>` span per produced record;
 * per consumed batch a `receive` span with a `process <topic>` span per record, linked to the context in the
 * record's traceparent header (the relay's records keep their rows' traceparent: see restoreRecordTrace). The
 * module's `handle` span is the record's child (withConsumerSpan), so an order stays one trace. Its module hooks see kafkajs
 * only when they are installed before kafkajs loads (a loader preload; not under Jest or a plain `node` start), so
 * enabling it patches the Kafka class imported here directly: the prototype those hooks would patch.
 */
class MessagingKafkaInstrumentation extends KafkaJsInstrumentation {
  override enable(): void {
    super.enable();
    for (const definition of this.getModuleDefinitions()) {
      definition.patch?.({ Kafka });
    }
  }

  override disable(): void {
    super.disable();
    for (const definition of this.getModuleDefinitions()) {
      definition.unpatch?.({ Kafka });
    }
  }
}

let instrumented = false;

/**
 * Instruments kafkajs once per process, before its first client is made; the OpenTelemetry SDK has started by then
 * (createPlatformApp starts it first), so the instrumentation's spans and metrics go to the process's providers.
 */
export function instrumentKafkajs(): void {
  if (instrumented) {
    return;
  }
  instrumented = true;
  registerInstrumentations({
    instrumentations: [new MessagingKafkaInstrumentation({ producerHook: restoreRecordTrace })],
  });
}
