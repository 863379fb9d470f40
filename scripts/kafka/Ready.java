// Readiness probe for the local Kafka broker, run with Java's single-file source launcher:
//   java -Xmx128m -cp 'scripts/kafka/.build/lib/*' scripts/kafka/Ready.java 127.0.0.1:9092 [timeoutSeconds] [--warm]
// Retries Admin.describeCluster (+ listTopics) until the cluster answers with at least one node (-Dready.nodes=N: N
// nodes) and a controller, or the timeout (default 30 s) expires. Exit 0 = ready, 1 = not ready in time, 2 = bad usage.
// --warm (used by `kafka.sh start`): afterwards also waits until the group coordinator (__consumer_offsets)
// and the transaction coordinator / producer-id manager (__transaction_state) answer. Both are created
// lazily on first use; warming them spares the first test COORDINATOR_NOT_AVAILABLE / LOAD_IN_PROGRESS
// retries (kafkajs logs those as ERROR).
// Quiet by design: client logging is switched off; one result line is printed.

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.FenceProducersOptions;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsOptions;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.common.Node;

public class Ready {
    public static void main(String[] args) throws Exception {
        // Must be set before any Kafka class asks for a logger: no configuration file, level OFF.
        System.setProperty("log4j2.level", "OFF");
        System.setProperty("log4j2.statusLoggerLevel", "OFF");
        System.setProperty("log4j2.StatusLogger.level", "OFF");

        boolean warm = args.length == 3 && args[2].equals("--warm");
        if (args.length < 1 || args.length > 3 || (args.length == 3 && !warm)) {
            System.err.println("usage: Ready.java <host:port> [timeoutSeconds] [--warm]");
            System.exit(2);
        }
        String bootstrap = args[0];
        // -Dready.nodes=N: that many brokers must have registered (a cluster), default 1.
        int minNodes = Integer.getInteger("ready.nodes", 1);
        long timeoutMs = TimeUnit.SECONDS.toMillis(args.length >= 2 ? Long.parseLong(args[1]) : 30);
        long deadline = System.currentTimeMillis() + timeoutMs;

        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(AdminClientConfig.CLIENT_ID_CONFIG, "platforma-kafka-ready");
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "3000");
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "5000");
        props.put(AdminClientConfig.RECONNECT_BACKOFF_MS_CONFIG, "100");
        props.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "500");
        props.put(AdminClientConfig.RETRY_BACKOFF_MS_CONFIG, "100");
        props.put(AdminClientConfig.RETRY_BACKOFF_MAX_MS_CONFIG, "500");
        props.put(AdminClientConfig.METADATA_RECOVERY_STRATEGY_CONFIG, "rebootstrap");

        String lastError = "no answer";
        Admin admin = Admin.create(props);
        try {
            while (true) {
                long left = deadline - System.currentTimeMillis();
                if (left <= 0) break;
                int callTimeout = (int) Math.max(500, Math.min(left, 5000));
                try {
                    DescribeClusterResult cluster =
                            admin.describeCluster(new DescribeClusterOptions().timeoutMs(callTimeout));
                    Collection<Node> nodes = cluster.nodes().get(callTimeout, TimeUnit.MILLISECONDS);
                    Node controller = cluster.controller().get(callTimeout, TimeUnit.MILLISECONDS);
                    String clusterId = cluster.clusterId().get(callTimeout, TimeUnit.MILLISECONDS);
                    if (nodes.size() < minNodes || controller == null || controller.isEmpty()) {
                        lastError = "cluster answered with " + nodes.size() + " of " + minNodes + " brokers"
                                + (controller == null || controller.isEmpty() ? " and no controller" : "");
                    } else {
                        int topics = admin.listTopics(new ListTopicsOptions().timeoutMs(callTimeout).listInternal(true))
                                .names().get(callTimeout, TimeUnit.MILLISECONDS).size();
                        if (warm) {
                            // FindCoordinator(GROUP) creates __consumer_offsets; succeeds once the coordinator is loaded.
                            admin.listConsumerGroupOffsets("platforma-kafka-ready-warmup",
                                            new ListConsumerGroupOffsetsOptions().timeoutMs(callTimeout))
                                    .partitionsToOffsetAndMetadata().get(callTimeout, TimeUnit.MILLISECONDS);
                            // InitProducerId via FindCoordinator(TRANSACTION): creates __transaction_state and
                            // makes the broker fetch its first producer-id block (idempotent producers need it too).
                            // A fresh transactional id each time, because fencing a known id only bumps its epoch
                            // and allocates no producer id (ids expire after transactional.id.expiration.ms).
                            admin.fenceProducers(List.of("platforma-kafka-ready-warmup-" + java.util.UUID.randomUUID()),
                                            new FenceProducersOptions().timeoutMs(callTimeout))
                                    .all().get(callTimeout, TimeUnit.MILLISECONDS);
                        }
                        System.out.printf("ready: %s cluster=%s nodes=%d controller=%d topics=%d%n",
                                bootstrap, clusterId, nodes.size(), controller.id(), topics);
                        return;
                    }
                } catch (Exception e) {
                    Throwable cause = e.getCause() != null ? e.getCause() : e;
                    lastError = cause.getClass().getSimpleName() + ": " + cause.getMessage();
                }
                long pause = Math.min(500, deadline - System.currentTimeMillis());
                if (pause > 0) Thread.sleep(pause);
            }
        } finally {
            admin.close(Duration.ofSeconds(2));
        }
        System.out.printf("not ready: %s after %d s (%s)%n", bootstrap, TimeUnit.MILLISECONDS.toSeconds(timeoutMs), lastError);
        System.exit(1);
    }
}
