package dev.entropysentinel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class SentinelCommandLineTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cli = Sentinel.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  @Test
  void helpListsTheSubcommandsAndExitsZero() {
    assertThat(run("--help")).isZero();
    assertThat(out.toString()).contains("broker", "bench", "R = -a*exp(H) + b");
  }

  @Test
  void everySubcommandHasHelp() {
    for (String name : Sentinel.commandLine().getSubcommands().keySet()) {
      StringWriter help = new StringWriter();
      CommandLine cli = Sentinel.commandLine();
      cli.setOut(new PrintWriter(help, true));
      assertThat(cli.execute(name, "--help")).as(name).isZero();
      assertThat(help.toString()).as(name).contains("Usage: sentinel " + name);
    }
  }

  @Test
  void aBadFlagValueExitsTwoNamingTheFlag() {
    assertThat(run("broker", "--port", "99999")).isEqualTo(2);
    assertThat(err.toString()).contains("--port must be in [0, 65535], was 99999");
  }

  @Test
  void aNonNumericValueExitsTwoNamingTheFlag() {
    assertThat(run("broker", "--partitions", "many")).isEqualTo(2);
    assertThat(err.toString()).contains("--partitions");
  }

  @Test
  void anUnknownSubcommandExitsTwo() {
    assertThat(run("frobnicate")).isEqualTo(2);
    assertThat(err.toString()).contains("frobnicate");
  }

  @Test
  void noSubcommandExitsTwoAndSaysWhatToDo() {
    assertThat(run()).isEqualTo(2);
    assertThat(err.toString()).contains("Missing subcommand");
  }

  @Test
  void everyBenchmarkHasHelp() {
    for (String name : Sentinel.commandLine().getSubcommands().get("bench").getSubcommands().keySet()) {
      StringWriter help = new StringWriter();
      CommandLine cli = Sentinel.commandLine();
      cli.setOut(new PrintWriter(help, true));
      assertThat(cli.execute("bench", name, "--help")).as(name).isZero();
      assertThat(help.toString()).as(name).contains("Usage: sentinel bench " + name);
    }
    assertThat(Sentinel.commandLine().getSubcommands().get("bench").getSubcommands()).containsKey("streams");
  }

  @Test
  void aBadBenchmarkFlagExitsTwoNamingTheFlag() {
    assertThat(run("bench", "streams", "--rounds", "3", "--max-rounds", "2")).isEqualTo(2);
    assertThat(err.toString()).contains("--max-rounds must be >= --rounds (3), was 2");
  }
}
