package dev.entropysentinel.forecaster.codec;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The reasons the monitor keeps (a detection's, a decision's, the forecast's) packed for its
 * store: each is a sentence of fixed phrases around numbers, so a phrase is written as one byte
 * (its index in {@link #PHRASES}) and a number as its digits, two to a byte. Exact for any text
 * (what is neither phrase nor number is written as it is), so a text of a changed or new
 * template still reads back whole, only packed less. What the phrases buy: a run's state no
 * longer grows by whole sentences when a condition fires and is decided on (a plateau STOP's
 * reason is about 330 characters, packed about 70 bytes).
 *
 * <p>The phrase table is part of the layout: changing it changes what old bytes mean, so a change
 * needs a new {@code MonitorState.VERSION}.
 */
public final class Sentences {
  /** Phrases of the monitor's reason templates (MonitorTransition, CeilingForecaster, DriftBound) and evidence keys. */
  private static final List<String> PHRASES = List.of(
      // detections (MonitorTransition)
      "smoothed entropy ", " fell below ", "% of its starting level ", " stayed above ", "x its lowest level ",
      " steps", "no record for ", " s (timeout ", " s) after step ", "validation ", " off the law's ", " (tolerance ",
      ") for ", " validations in a row", "gain ahead <= ", " by step ", " (may forgo ", ", +-1 rewards", "): ",
      "; forecast ", " vs current ", " (mean of last ", "); saves ", " steps (", " no longer holds at step ",
      " (it fired at step ",
      // decisions (MonitorTransition)
      "plateau: ", "early entropy collapse (step ", ") with forecast upper bound ", " below target ", "(none yet)",
      // drift bound (DriftBound)
      "drift's ", "% bound ", " ln-steps left from ", " validations since step ", " (evidence ",
      "x the horizon, the tighter of ", " the horizon, the tighter of ", "x and ", " and ", "x; slope ", "; slope ", ", upper ", "; trend now ", "no drift bound: ",
      "the validations after the burn-in start at step ", ", later than step ", " where evidence ",
      " the horizon (in log-steps) must start", " validations after the burn-in (needs ",
      // forecast (CeilingForecaster, MonitorTransition)
      " drives the forecast (weight ", ") after ", " out-of-sample checks on ", " validation points; ",
      " burn-in point(s) excluded; entropy-law gain still ahead ", "] with ", "% of the starting entropy left",
      " beat the last value from ", " rolling origins", "; slope prior a ~ ", " +- ", "insufficient data: ",
      "no planned total steps: the forecast has no target",
      // models and evidence keys
      "last-value", "entropy-law", "pow3", "entropy-prior", "entropy", "startEntropy", "threshold", "lowestEntropy",
      "steps", "silentSeconds", "residual", "tolerance", "r2", "forecast", "current", "remainingGain", "driftBound",
      "horizonLogSteps", "maxForgone", " of ", " is ", " for ", " from ", " over ", "only ", ", ", "; ", ": ", " [", "%)", ")",
      // INTERVENE parameters (schemas ControlParameters)
      "method", "kl-cov", "clip-cov", "clip-higher", "grpo", "klCovRatio", "klCoef", "clipCovRatio", "clipCovLb",
      "clipCovUb", "epsHigh", "epsLow");

  private static final int END = 0;
  /** Ops 1..{@value} are a number of that many characters, as digits two to a byte (any run of {@link #NUMBER_CHARS}). */
  private static final int MAX_NUMBER = 24;
  private static final int LITERAL = MAX_NUMBER + 1;
  /** An integer without leading zeros, as a varint: this op, the next for a negative one. */
  private static final int INTEGER = LITERAL + 1;
  /** A decimal with 1..{@value #MAX_DECIMALS} decimals as the varint of its digits: this op + decimals - 1, then negatives. */
  private static final int DECIMAL = INTEGER + 2;
  private static final int MAX_DECIMALS = 8;
  private static final int FIRST_PHRASE = DECIMAL + 2 * MAX_DECIMALS;
  private static final int NULL = 255;
  private static final String NUMBER_CHARS = "0123456789.-";
  /** Digits a varint number may have (a long holds 18 for sure). */
  private static final int MAX_DIGITS = 18;
  /** Texts (or their starts) packed lately, by identity: a state is written at every input and its reasons change rarely. */
  private static final ThreadLocal<Map<String, Packed>> PACKED = ThreadLocal.withInitial(IdentityHashMap::new);
  private static final int PACKED_MAX = 4096;

  /** Phrase indexes by first character, longest phrase first. */
  private static final List<List<Integer>> BY_FIRST_CHAR = new ArrayList<>();

  static {
    if (FIRST_PHRASE + PHRASES.size() > NULL) {
      throw new IllegalStateException("too many phrases for one byte: " + PHRASES.size());
    }
    for (int c = 0; c < 128; c++) {
      BY_FIRST_CHAR.add(new ArrayList<>());
    }
    for (int i = 0; i < PHRASES.size(); i++) {
      BY_FIRST_CHAR.get(PHRASES.get(i).charAt(0)).add(i);
    }
    BY_FIRST_CHAR.forEach(l -> l.sort(Comparator.comparingInt((Integer i) -> PHRASES.get(i).length()).reversed()));
  }

  private Sentences() {}

  /** The packed bytes of a text's first {@code end} characters. */
  private record Packed(int end, byte[] bytes) {}

  /** Writes {@code text} ({@code null} too) packed. */
  public static void write(StateBytes.Out out, String text) {
    if (text == null) {
      out.u8(NULL);
      return;
    }
    writeStart(out, text, text.length());
  }

  /** Writes the first {@code end} characters of {@code text} packed, as {@link #write} their substring. */
  public static void writeStart(StateBytes.Out out, String text, int end) {
    Map<String, Packed> packed = PACKED.get();
    Packed p = packed.get(text);
    if (p == null || p.end() != end) {
      if (packed.size() >= PACKED_MAX) {
        packed.clear();
      }
      p = new Packed(end, pack(text.substring(0, end)));
      packed.put(text, p);
    }
    out.raw(p.bytes());
  }

  private static byte[] pack(String text) {
    StateBytes.Out out = new StateBytes.Out(text.length() / 2);
    int literalFrom = -1;
    int at = 0;
    while (at < text.length()) {
      int phrase = phraseAt(text, at);
      int number = phrase >= 0 ? 0 : numberAt(text, at);
      if (phrase < 0 && number == 0) {
        literalFrom = literalFrom < 0 ? at : literalFrom;
        at++;
        continue;
      }
      if (literalFrom >= 0) {
        out.u8(LITERAL).str(text.substring(literalFrom, at));
        literalFrom = -1;
      }
      if (phrase >= 0) {
        out.u8(FIRST_PHRASE + phrase);
        at += PHRASES.get(phrase).length();
      } else {
        writeNumber(out, text.substring(at, at + number));
        at += number;
      }
    }
    if (literalFrom >= 0) {
      out.u8(LITERAL).str(text.substring(literalFrom));
    }
    return out.u8(END).toBytes();
  }

  /** A plain integer or decimal ({@code -?(0|[1-9]\d*)(\.\d+)?}) as a varint of its digits, anything else as digits. */
  private static void writeNumber(StateBytes.Out out, String number) {
    boolean negative = number.startsWith("-");
    String unsigned = negative ? number.substring(1) : number;
    int dot = unsigned.indexOf('.');
    String whole = dot < 0 ? unsigned : unsigned.substring(0, dot);
    String decimals = dot < 0 ? "" : unsigned.substring(dot + 1);
    String digits = whole + decimals;
    boolean plain = !whole.isEmpty() && (whole.length() == 1 || whole.charAt(0) != '0') && (dot < 0 || !decimals.isEmpty())
        && decimals.length() <= MAX_DECIMALS && digits.length() <= MAX_DIGITS && digits.chars().allMatch(Character::isDigit);
    if (plain) {
      int op = decimals.isEmpty() ? INTEGER : DECIMAL + decimals.length() - 1;
      out.u8(op + (negative ? (decimals.isEmpty() ? 1 : MAX_DECIMALS) : 0)).u64(Long.parseLong(digits));
      return;
    }
    out.u8(number.length());
    for (int k = 0; k < number.length(); k += 2) {
      int hi = NUMBER_CHARS.indexOf(number.charAt(k));
      int lo = k + 1 < number.length() ? NUMBER_CHARS.indexOf(number.charAt(k + 1)) : 0xF;
      out.u8(hi << 4 | lo);
    }
  }

  /** Reads what {@link #writeNumber} wrote as a plain integer or decimal. */
  private static void readNumber(StringBuilder text, int op, long value) {
    if (value < 0) {
      throw new IllegalArgumentException("a packed number is out of range");
    }
    int decimals = op < DECIMAL ? 0 : (op - DECIMAL) % MAX_DECIMALS + 1;
    boolean negative = op < DECIMAL ? op == INTEGER + 1 : op - DECIMAL >= MAX_DECIMALS;
    String digits = Long.toString(value);
    if (digits.length() <= decimals) {
      digits = "0".repeat(decimals + 1 - digits.length()) + digits;
    }
    text.append(negative ? "-" : "").append(digits, 0, digits.length() - decimals);
    if (decimals > 0) {
      text.append('.').append(digits, digits.length() - decimals, digits.length());
    }
  }

  /** Reads a text written by {@link #write}. */
  public static String read(StateBytes.In in) {
    int op = in.u8();
    if (op == NULL) {
      return null;
    }
    StringBuilder text = new StringBuilder(128);
    for (; op != END; op = in.u8()) {
      if (op <= MAX_NUMBER) {
        for (int k = 0; k < op; k += 2) {
          int b = in.u8();
          text.append(digit(b >>> 4));
          if (k + 1 < op) {
            text.append(digit(b & 0xF));
          }
        }
      } else if (op >= INTEGER && op < FIRST_PHRASE) {
        readNumber(text, op, in.u64());
      } else if (op == LITERAL) {
        String literal = in.str();
        if (literal == null) {
          throw new IllegalArgumentException("a packed text has a null literal");
        }
        text.append(literal);
      } else if (op - FIRST_PHRASE < PHRASES.size()) {
        text.append(PHRASES.get(op - FIRST_PHRASE));
      } else {
        throw new IllegalArgumentException("a packed text has an unknown phrase " + op);
      }
    }
    return text.toString();
  }

  private static char digit(int nibble) {
    if (nibble >= NUMBER_CHARS.length()) {
      throw new IllegalArgumentException("a packed number has an unknown digit " + nibble);
    }
    return NUMBER_CHARS.charAt(nibble);
  }

  /** Index of the longest phrase starting at {@code at}, or -1. */
  private static int phraseAt(String text, int at) {
    char c = text.charAt(at);
    if (c >= 128) {
      return -1;
    }
    for (int i : BY_FIRST_CHAR.get(c)) {
      if (text.startsWith(PHRASES.get(i), at)) {
        return i;
      }
    }
    return -1;
  }

  /** Length of the run of number characters at {@code at}, at most {@value #MAX_NUMBER}. */
  private static int numberAt(String text, int at) {
    int n = 0;
    while (n < MAX_NUMBER && at + n < text.length() && NUMBER_CHARS.indexOf(text.charAt(at + n)) >= 0) {
      n++;
    }
    return n;
  }
}
