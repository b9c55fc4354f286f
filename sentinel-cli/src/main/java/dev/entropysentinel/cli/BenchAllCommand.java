package dev.entropysentinel.cli;

import dev.entropysentinel.schemas.BenchFigure;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sentinel bench all}: every benchmark in one run with its defaults, each printing as it
 * goes, then every headline figure again in one table ({@link BenchFigure} lines), so one command
 * gives the numbers the README's table shows.
 */
@Command(name = "all", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
    description = "Runs every benchmark with its defaults (20-30 minutes on 2 cores), then prints every figure "
        + "as 'name: value (goal ...)' in one table.")
final class BenchAllCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--skip", split = ",", paramLabel = "BENCH", description = "benchmarks to leave out, e.g. --skip trainer,influx")
  Set<String> skip = Set.of();

  @Override
  public Integer call() {
    Map<String, CommandLine> benches = spec.parent().commandLine().getSubcommands();
    for (String name : skip) {
      if (!benches.containsKey(name) || name.equals(spec.name())) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--skip: no benchmark named '" + name
            + "'; choose from " + String.join(", ", names(benches)));
      }
    }
    PrintWriter out = spec.commandLine().getOut();
    List<BenchFigure> figures = new ArrayList<>();
    List<String> failed = new ArrayList<>();
    for (String name : names(benches)) {
      if (skip.contains(name)) {
        continue;
      }
      out.printf("=== bench %s%n", name);
      out.flush();
      StringWriter captured = new StringWriter();
      CommandLine bench = benches.get(name);
      bench.setOut(new PrintWriter(new Tee(out, captured), true));
      bench.setErr(spec.commandLine().getErr());
      int exit = bench.execute();
      if (exit != 0) {
        failed.add(name + " (exit " + exit + ")");
      }
      captured.toString().lines().map(BenchFigure::parse).flatMap(java.util.Optional::stream).forEach(figures::add);
    }
    out.println("=== figures");
    for (BenchFigure f : figures) {
      out.println(f.line() + (f.met() ? "" : "   <- goal missed"));
    }
    out.printf("figures: %d, meeting their goal: %d%s%n", figures.size(), figures.stream().filter(BenchFigure::met).count(),
        failed.isEmpty() ? "" : "; failed: " + String.join(", ", failed));
    out.flush();
    return failed.isEmpty() ? 0 : 1;
  }

  private List<String> names(Map<String, CommandLine> benches) {
    return benches.keySet().stream().filter(n -> !n.equals(spec.name())).toList();
  }

  /** Writes to the terminal and keeps a copy to read the figures from. */
  private static final class Tee extends Writer {
    private final Writer a;
    private final Writer b;

    Tee(Writer a, Writer b) {
      this.a = a;
      this.b = b;
    }

    @Override
    public void write(char[] buf, int off, int len) {
      try {
        a.write(buf, off, len);
        b.write(buf, off, len);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }

    @Override
    public void flush() {
      try {
        a.flush();
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }

    @Override
    public void close() {
      flush();
    }
  }
}
