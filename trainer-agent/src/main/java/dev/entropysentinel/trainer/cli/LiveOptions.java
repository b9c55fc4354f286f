package dev.entropysentinel.trainer.cli;

import dev.entropysentinel.schemas.CommandSigner;
import dev.entropysentinel.trainer.emit.EmitterConfig;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The options an agent needs to send records to Kafka and obey control commands: the broker, the
 * spool, the control key (from a file or the environment, never a flag value: flags show in {@code ps})
 * and the freshness window. A picocli mixin, so every agent command spells and checks them alike.
 */
public final class LiveOptions {
  @Option(names = "--bootstrap", paramLabel = "HOST:PORT", description = "Kafka bootstrap servers: send the run, step-stats and "
      + "eval records there through an on-disk spool (an unreachable broker delays records, never the job) and obey signed "
      + "control commands for this run")
  String bootstrap;

  @Option(names = "--secret-file", paramLabel = "FILE", description = "file holding the control signing key (at least 16 bytes); "
      + "without it the key comes from the environment variable " + CommandSigner.KEY_ENV + ", and without either control "
      + "commands are not read (records are still sent)")
  Path secretFile;

  @Option(names = "--spool-dir", paramLabel = "DIR", description = "directory of the record spool; a restart with the same "
      + "directory sends what the broker had not acknowledged (default: FILE.spool next to train's --out, else RUN-ID.spool)")
  Path spoolDir;

  @Option(names = "--spool-max-bytes", defaultValue = "268435456", description = "bound on the spool's size on disk "
      + "(default ${DEFAULT-VALUE} = 256 MiB)")
  long spoolMaxBytes;

  @Option(names = "--control-freshness", defaultValue = "120", paramLabel = "SECONDS", description = "seconds a control "
      + "command stays valid after it was issued; older ones are refused as stale (default ${DEFAULT-VALUE})")
  long controlFreshness;

  /** The emitter's settings; null without {@code --bootstrap}. Bad values are usage errors naming the flag. */
  EmitterConfig emitter(CommandLine cl, Path defaultSpool) {
    if (bootstrap == null) {
      return null;
    }
    if (!bootstrap.matches("[^\\s:,]+:\\d+(,[^\\s:,]+:\\d+)*")) {
      throw new CommandLine.ParameterException(cl, "--bootstrap must be HOST:PORT[,HOST:PORT...], was " + bootstrap);
    }
    try {
      return EmitterConfig.ofDefaults(bootstrap, spoolDir != null ? spoolDir : defaultSpool).withSpoolMaxBytes(spoolMaxBytes);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(cl, "--spool-max-bytes: " + e.getMessage(), e);
    }
  }

  /** The control key's signer, null when neither {@code --secret-file} nor the environment gives a key. */
  CommandSigner signer(CommandLine cl) {
    if (secretFile == null && System.getenv(CommandSigner.KEY_ENV) == null) {
      return null;
    }
    try {
      return CommandSigner.fromFileOrEnv(secretFile, System.getenv());
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(cl, "--secret-file: " + e.getMessage(), e);
    }
  }

  Duration freshness(CommandLine cl) {
    if (controlFreshness < 1) {
      throw new CommandLine.ParameterException(cl, "--control-freshness must be >= 1 second, was " + controlFreshness);
    }
    return Duration.ofSeconds(controlFreshness);
  }
}
