package dev.entropysentinel.trainer.task;

import java.util.Random;

/** A generator of verifiable problems of mixed difficulty. */
public interface TaskFamily {
  String name();

  Problem generate(Random random);
}
