package dev.entropysentinel.trainer.task;

/**
 * The character vocabulary of the built-in tasks. Prompts have a fixed length of
 * {@link #PROMPT_LENGTH} tokens (numbers zero-padded, lists left-filled with {@code _}) so a batch
 * needs no padding mask; responses end with {@link #EOS}.
 */
public final class Vocabulary {
  public static final int PAD = 0;
  public static final int EOS = 1;
  public static final int PROMPT_LENGTH = 8;
  /** Longest response: six sorted digits and EOS. */
  public static final int MAX_RESPONSE_LENGTH = 7;
  public static final int CONTEXT_LENGTH = PROMPT_LENGTH + MAX_RESPONSE_LENGTH;

  private static final String SYMBOLS = "..0123456789+=s_";
  public static final int SIZE = SYMBOLS.length();

  private Vocabulary() {}

  public static int id(char c) {
    int id = SYMBOLS.indexOf(c, 2);
    if (id < 0) {
      throw new IllegalArgumentException("character '" + c + "' is not in the task vocabulary \"" + SYMBOLS.substring(2) + "\"");
    }
    return id;
  }

  public static int[] encode(String text) {
    int[] ids = new int[text.length()];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = id(text.charAt(i));
    }
    return ids;
  }

  /** Text of a response: the tokens before the first EOS (PAD and EOS never print). */
  public static String decodeResponse(int[] tokens, int from, int length) {
    StringBuilder b = new StringBuilder();
    for (int i = from; i < from + length && tokens[i] != EOS; i++) {
      if (tokens[i] != PAD) {
        b.append(SYMBOLS.charAt(tokens[i]));
      }
    }
    return b.toString();
  }

  public static boolean isDigit(int id) {
    return id >= 2 && id <= 11;
  }

  public static int digit(int value) {
    return 2 + value;
  }
}
