/**
 * Headers a dead-lettered record carries besides its original ones: enough to find and judge it. Whoever may write
 * the DLQ writes them too, so a redrive trusts none of them: it goes back to the topic whose DLQ holds it.
 */
export const DLQ_HEADER = {
  originalTopic: 'dlq_original_topic',
  originalPartition: 'dlq_original_partition',
  originalOffset: 'dlq_original_offset',
  error: 'dlq_error',
  attempts: 'dlq_attempts',
  firstFailureTime: 'dlq_first_failure_time',
  consumerGroup: 'dlq_consumer_group',
  redriveCount: 'dlq_redrive_count',
} as const;
