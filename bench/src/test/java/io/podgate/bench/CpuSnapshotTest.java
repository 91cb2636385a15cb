package io.podgate.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** CPU figures read from /proc: this JVM's own work shows in its figure and the machine's, and the line round-trips. */
class CpuSnapshotTest {
  @Test
  void cpuThisThreadBurnsShowsInTheJvmAndMachineFigures() {
    CpuSnapshot before = CpuSnapshot.take();
    long until = System.nanoTime() + 400_000_000L;
    long x = 0;
    while (System.nanoTime() < until) {
      x += Long.numberOfTrailingZeros(x + System.nanoTime());
    }
    CpuSnapshot used = CpuSnapshot.take().minus(before);
    assertThat(x).isPositive();
    // a busy 2-core machine may hand this thread less than all of the 400 ms
    assertThat(used.jvmMs()).isGreaterThanOrEqualTo(150);
    assertThat(used.machineMs()).isGreaterThanOrEqualTo(used.jvmMs() - 2 * CpuSnapshot.MS_PER_TICK);
  }

  @Test
  void aStatLineIsReadAfterTheLastParenthesisSoAnyCommandNameWorks() {
    String stat = "4242 (odd ) name) S 1 4242 4242 0 -1 4194560 100 0 0 0 7 3 20 11 20 0 1 0 100 0 0";
    assertThat(CpuSnapshot.ticks(stat, false)).isEqualTo(10);
    assertThat(CpuSnapshot.ticks(stat, true)).isEqualTo(41);
    assertThat(CpuSnapshot.ticks("", true)).isZero();
  }

  @Test
  void theFormattedFiguresReadBackAndSubtract() {
    CpuSnapshot a = new CpuSnapshot(1000, 200, 300, 40, 50);
    assertThat(CpuSnapshot.parse(a.format())).isEqualTo(a);
    assertThat(CpuSnapshot.parse("machine=5;jvm=2")).isEqualTo(new CpuSnapshot(5, 2, 0, 0, 0));
    assertThat(new CpuSnapshot(1500, 260, 310, 40, 90).minus(a)).isEqualTo(new CpuSnapshot(500, 60, 10, 0, 40));
  }
}
