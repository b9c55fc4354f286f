package dev.entropysentinel.processor.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CommandCommitsTest {
  private static final long SPACING = 10;
  private final CommandCommits commits = new CommandCommits();

  @Test
  void aCommandCommitsAtOnceWhenTheThreadHasNotCommittedYet() {
    assertThat(commits.shouldCommit(1_000, true, SPACING)).isTrue();
  }

  @Test
  void withoutACommandNothingCommitsEarly() {
    assertThat(commits.shouldCommit(1_000, false, SPACING)).isFalse();
    commits.committing();
    assertThat(commits.shouldCommit(2_000, false, SPACING)).isFalse();
  }

  @Test
  void aCommandSoonAfterACommitWaitsUntilTheSpacingHasPassedSinceThatCommitEnded() {
    commits.committing();
    assertThat(commits.shouldCommit(1_000, false, SPACING)).as("the first record after the commit marks its end").isFalse();
    assertThat(commits.shouldCommit(1_004, true, SPACING)).isFalse();
    assertThat(commits.shouldCommit(1_009, false, SPACING)).isFalse();
    assertThat(commits.shouldCommit(1_010, false, SPACING)).as("a later record asks for the waiting command").isTrue();
  }

  @Test
  void aCommitOfAnyKindTakesTheWaitingCommandAlong() {
    commits.committing();
    assertThat(commits.shouldCommit(1_000, true, SPACING)).isFalse();
    commits.committing();
    assertThat(commits.shouldCommit(1_003, false, SPACING)).isFalse();
    assertThat(commits.shouldCommit(1_050, false, SPACING)).as("nothing waits any more").isFalse();
  }

  @Test
  void theEndOfACommitIsTheFirstRecordAfterItNotTheCommitsStart() {
    assertThat(commits.shouldCommit(1_000, true, SPACING)).isTrue();
    commits.committing();
    assertThat(commits.shouldCommit(1_030, true, SPACING)).as("the commit blocked the thread until 1 030").isFalse();
    assertThat(commits.shouldCommit(1_040, false, SPACING)).isTrue();
  }
}
