package dev.entropysentinel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.entropysentinel.schemas.Topics;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;

/** The benchmark's broker runs as {@code sentinel broker} in a child JVM, serves the Sentinel topics and goes away on close. */
class ChildBrokerIT {
  @Test
  void servesTheSentinelTopicsWithTheGivenPartitionsAndEndsOnClose() throws Exception {
    try (ChildBroker broker = ChildBroker.start(2)) {
      Properties p = new Properties();
      p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
      try (Admin admin = Admin.create(p)) {
        var step = admin.describeTopics(List.of(Topics.STEP_STATS)).allTopicNames().get(30, TimeUnit.SECONDS)
            .get(Topics.STEP_STATS);
        assertThat(step.partitions()).hasSize(2);
      }
    }
    assertThat(ProcessHandle.current().children().filter(ProcessHandle::isAlive).toList()).as("no broker JVM left").isEmpty();
  }
}
