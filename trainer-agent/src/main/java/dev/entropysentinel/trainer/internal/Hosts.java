package dev.entropysentinel.trainer.internal;

import java.io.IOException;
import java.net.InetAddress;

/** This machine's name, as records report it. */
public final class Hosts {
  private Hosts() {}

  public static String name() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "localhost";
    }
  }
}
