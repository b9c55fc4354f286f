package dev.entropysentinel.trainer.task;

/**
 * A verifiable problem: a fixed-length prompt and its one correct answer. The reward is exact
 * match of the response text (tokens before EOS) with {@code answer}.
 *
 * @param family the task family's name, e.g. {@code addition}
 * @param prompt the prompt text, {@link Vocabulary#PROMPT_LENGTH} characters
 * @param answer the correct response text, without EOS
 */
public record Problem(String family, String prompt, String answer) {
  public Problem {
    if (prompt.length() != Vocabulary.PROMPT_LENGTH) {
      throw new IllegalArgumentException("prompt must have " + Vocabulary.PROMPT_LENGTH + " characters, was \"" + prompt + "\"");
    }
    if (answer.length() + 1 > Vocabulary.MAX_RESPONSE_LENGTH) {
      throw new IllegalArgumentException("answer too long for the response budget: \"" + answer + "\"");
    }
  }

  /** Exact-match verifier: 1 when the response equals the answer, 0 otherwise. */
  public boolean isCorrect(String response) {
    return answer.equals(response);
  }
}
