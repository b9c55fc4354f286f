package dev.entropysentinel.processor.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CommandCommitsTest {
  private static final long SPACING = 10;
  private final CommandCommits commits = new CommandCommits();

  @Test
  void aCommandCommitsAtOnceWhenTheThreadHasNotCommittedYet() {
    assertThat(commits.shouldCommit(1_000, true, 1_000, SPACING)).isTrue();
  }

  @Test
  void withoutACommandNothingCommitsEarly() {
    assertThat(commits.shouldCommit(1_000, false, 1_000, SPACING)).isFalse();
    commits.committing();
    assertThat(commits.shouldCommit(2_000, false, 2_000, SPACING)).isFalse();
  }

  @Test
  void aCommandSoonAfterACommitWaitsUntilTheSpacingHasPassedSinceThatCommitEnded() {
    commits.committing();
    assertThat(commits.shouldCommit(1_000, false, 1_000, SPACING)).as("the first record after the commit marks its end").isFalse();
    assertThat(commits.shouldCommit(1_004, true, 1_004, SPACING)).isFalse();
    assertThat(commits.shouldCommit(1_009, false, 1_009, SPACING)).isFalse();
    assertThat(commits.shouldCommit(1_010, false, 1_010, SPACING)).as("a later record asks for the waiting command").isTrue();
  }

  @Test
  void aCommitOfAnyKindTakesTheWaitingCommandAlong() {
    commits.committing();
    assertThat(commits.shouldCommit(1_000, true, 1_000, SPACING)).isFalse();
    commits.committing();
    assertThat(commits.shouldCommit(1_003, false, 1_003, SPACING)).isFalse();
    assertThat(commits.shouldCommit(1_050, false, 1_050, SPACING)).as("nothing waits any more").isFalse();
  }

  @Test
  void theEndOfACommitIsTheFirstRecordAfterItNotTheCommitsStart() {
    assertThat(commits.shouldCommit(1_000, true, 1_000, SPACING)).isTrue();
    commits.committing();
    assertThat(commits.shouldCommit(1_030, true, 1_030, SPACING)).as("the commit blocked the thread until 1 030").isFalse();
    assertThat(commits.shouldCommit(1_040, false, 1_040, SPACING)).isTrue();
  }

  @Test
  void aCommandFromARecordThatWaitedLongerThanACommitIntervalWaitsForTheCommitInterval() {
    assertThat(commits.shouldCommit(5_000, true, 5_000 - CommandCommits.CAUGHT_UP_MS - 1, SPACING))
        .as("the thread is behind: catching up on a backlog").isFalse();
    assertThat(commits.shouldCommit(5_100, false, 5_100, SPACING)).isFalse();
    assertThat(commits.shouldCommit(5_200, true, 5_200 - CommandCommits.CAUGHT_UP_MS, SPACING)).isTrue();
  }
}
