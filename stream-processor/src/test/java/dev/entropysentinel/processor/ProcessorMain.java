package dev.entropysentinel.processor;

import picocli.CommandLine;

/** {@code sentinel process} as its own JVM, so a test can kill it with SIGKILL. */
public final class ProcessorMain {
  private ProcessorMain() {}

  public static void main(String[] args) {
    System.exit(new CommandLine(new ProcessCommand()).setCaseInsensitiveEnumValuesAllowed(true).execute(args));
  }
}
