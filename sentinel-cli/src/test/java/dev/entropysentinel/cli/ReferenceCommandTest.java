package dev.entropysentinel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/configuration.md is exactly what the command model generates: it cannot drift from the flags. */
class ReferenceCommandTest {
  @Test
  void theCommittedReferenceIsTheGeneratedOne() throws Exception {
    String generated = ReferenceCommand.markdown(Sentinel.commandLine());
    Path committed = Path.of("..", "docs", "configuration.md");
    assertThat(Files.readString(committed, StandardCharsets.UTF_8))
        .as("docs/configuration.md is stale: run ./sentinel reference > docs/configuration.md")
        .isEqualTo(generated);
  }

  @Test
  void everyFlagOfEveryCommandIsListedWithItsDefault() {
    String md = ReferenceCommand.markdown(Sentinel.commandLine());
    assertThat(md).contains("## `sentinel process`", "| `--policy <policy>` | `advise` |",
        "## `sentinel demo`", "## `sentinel bench streams`", "## `sentinel topic read`")
        .doesNotContain("## `sentinel help`", "${DEFAULT-VALUE}");
  }
}
