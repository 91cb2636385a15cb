package io.podgate.internal.pod;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.podgate.LogEntry;
import io.podgate.LogEntry.Stream;
import java.io.ByteArrayOutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CRI log files in bytes, entries out. */
class CriLogsTest {
  private static final String T1 = "2026-11-28T00:00:00.1Z";
  private static final String T2 = "2026-11-28T00:00:00.2Z";
  private static final String T3 = "2026-11-28T00:00:00.3Z";
  private static final String T4 = "2026-11-28T00:00:00.4Z";

  @Test
  void piecesOfOneStreamJoinUntilFull() {
    assertThat(parse(T1 + " stdout P hel\n", T2 + " stdout P lo \n", T3 + " stdout F world\n", T4 + " stdout F next\n"))
        .containsExactly(out(T1, "hello world"), out(T4, "next"));
  }

  @Test
  void streamsNeverJoinEachOther() {
    assertThat(parse(
        T1 + " stdout P aaa\n",
        T2 + " stderr F err-line\n",
        T3 + " stdout F b\n",
        T4 + " stderr P half\n"))
        .containsExactly(out(T1, "aaab"), err(T2, "err-line"), err(T4, "half"));
  }

  @Test
  void interleavedPartialsOfBothStreamsKeepTheirOwnPieces() {
    assertThat(parse(
        T1 + " stderr P e1-\n",
        T2 + " stdout P o1-\n",
        T3 + " stderr F e2\n",
        T4 + " stdout F o2\n"))
        .containsExactly(err(T1, "e1-e2"), out(T2, "o1-o2"));
  }

  @Test
  void entriesAreOrderedByTheirFirstPieceAndCarryItsTime() {
    List<LogEntry> entries = parse(T1 + " stdout P long\n", T2 + " stderr F short\n", T3 + " stdout F -line\n");
    assertThat(entries).extracting(LogEntry::text).containsExactly("long-line", "short");
    assertThat(entries.get(0).time()).isEqualTo(Instant.parse(T1));
  }

  @Test
  void timesWithAnOffsetAndNanosecondsAreRead() {
    assertThat(parse("2026-11-28T01:00:00.123456789+01:00 stdout F x\n"))
        .containsExactly(new LogEntry(Stream.STDOUT, Instant.parse("2026-11-28T00:00:00.123456789Z"), "x"));
  }

  @Test
  void malformedUtf8BecomesAReplacementCharacterAndTheRestStays() {
    byte[] log = bytes(
        (T1 + " stdout F before\n").getBytes(StandardCharsets.US_ASCII),
        (T2 + " stdout F caf").getBytes(StandardCharsets.US_ASCII), new byte[] {(byte) 0xE9, '\n'},
        (T3 + " stdout F after \u00e9t\u00e9\n").getBytes(StandardCharsets.UTF_8));
    assertThat(CriLogs.parse(log)).extracting(LogEntry::text)
        .containsExactly("before", "caf\uFFFD", "after \u00e9t\u00e9");
  }

  @Test
  void aCharacterSplitAcrossPiecesIsDecodedWhole() {
    byte[] euro = "\u20ac".getBytes(StandardCharsets.UTF_8);
    byte[] log = bytes(
        (T1 + " stdout P x").getBytes(StandardCharsets.US_ASCII), new byte[] {euro[0], euro[1], '\n'},
        (T2 + " stdout F ").getBytes(StandardCharsets.US_ASCII), new byte[] {euro[2], 'y', '\n'});
    assertThat(CriLogs.parse(log)).containsExactly(out(T1, "x\u20acy"));
  }

  @Test
  void carriageReturnsNulAndControlBytesStay() {
    assertThat(parse(T1 + " stdout F a\rb\u0000c\u0007d\u001b[0m\r\n"))
        .containsExactly(out(T1, "a\rb\u0000c\u0007d\u001b[0m\r"));
  }

  @Test
  void aLastLineWithoutNewlineCountsWithWhatItHolds() {
    assertThat(parse(T1 + " stdout F done\n", T2 + " stdout F still writ"))
        .containsExactly(out(T1, "done"), out(T2, "still writ"));
    assertThat(parse(T1 + " stdout P start-\n", T2 + " stderr F e\n", T3 + " stdout F mid"))
        .containsExactly(out(T1, "start-mid"), err(T2, "e"));
  }

  @Test
  void aLastLineCutInsideItsHeaderIsLeftOut() {
    assertThat(parse(T1 + " stdout F done\n", "2026-11-28T00:00")).containsExactly(out(T1, "done"));
    assertThat(parse(T1 + " stdout F done\n", T2 + " std")).containsExactly(out(T1, "done"));
    assertThat(parse(T1 + " stdout P open\n", T2 + " stdout")).containsExactly(out(T1, "open"));
  }

  @Test
  void entriesNotEndedAtTheEndOfTheFileAreReturnedAsTheyAre() {
    assertThat(parse(T1 + " stdout P 16k of a\n", T2 + " stderr P no newline yet\n"))
        .containsExactly(out(T1, "16k of a"), err(T2, "no newline yet"));
  }

  @Test
  void linesWithoutAValidHeaderAreSkippedAndTheRestIsKept() {
    assertThat(parse(
        T1 + " stdout P keep-\n",
        "\n",
        "no header at all\n",
        "yesterday stdout F bad time\n",
        T2 + " stdin F bad stream\n",
        T2 + " stdout X bad tag\n",
        T2 + " stdout  empty tag\n",
        T2 + "\n",
        T3 + " stdout F going\n",
        T4 + " stderr F still read\n"))
        .containsExactly(out(T1, "keep-going"), err(T4, "still read"));
  }

  @Test
  void emptyContentWithOrWithoutTheSpaceIsAnEmptyEntry() {
    assertThat(parse(T1 + " stdout F \n", T2 + " stdout F\n", T3 + " stdout P x\n", T4 + " stdout F\n"))
        .containsExactly(out(T1, ""), out(T2, ""), out(T3, "x"));
    assertThat(parse(T1 + " stderr F")).containsExactly(err(T1, ""));
  }

  @Test
  void furtherTagsAfterAColonAreAllowed() {
    assertThat(parse(T1 + " stdout P:x a\n", T2 + " stdout F:y:z b\n")).containsExactly(out(T1, "ab"));
  }

  @Test
  void contentKeepsItsSpaces() {
    assertThat(parse(T1 + " stdout F   two  spaces \n")).containsExactly(out(T1, "  two  spaces "));
  }

  @Test
  void readsFilesAndAMissingFileIsEmpty(@TempDir Path dir) throws Exception {
    assertThat(CriLogs.read(dir.resolve("not-yet.log"))).isEmpty();
    Path file = dir.resolve("c.log");
    Files.write(file, bytes((T1 + " stdout F one\n" + T2 + " stderr F two\n").getBytes(StandardCharsets.US_ASCII)));
    List<LogEntry> entries = CriLogs.read(file);
    assertThat(entries).containsExactly(out(T1, "one"), err(T2, "two"));
    assertThat(CriLogs.text(entries)).isEqualTo("one\ntwo");
    assertThat(CriLogs.tail(entries, 1)).isEqualTo("2026-11-28T00:00:00.200Z stderr two");
    assertThat(CriLogs.tail(entries, 5)).isEqualTo(
        "2026-11-28T00:00:00.100Z stdout one\n2026-11-28T00:00:00.200Z stderr two");
    assertThatThrownBy(() -> CriLogs.read(dir)).isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("cannot read CRI log file " + dir);
  }

  @Test
  void tailsCutLongEntries() {
    List<LogEntry> entries = List.of(out(T1, "a".repeat(30_000) + "b"), err(T2, "short"));
    assertThat(CriLogs.tail(entries, 2)).isEqualTo("2026-11-28T00:00:00.100Z stdout " + "a".repeat(1000)
        + "... (29001 more characters)\n2026-11-28T00:00:00.200Z stderr short");
  }

  @Test
  void noEntriesNoText() {
    assertThat(CriLogs.parse(new byte[0])).isEmpty();
    assertThat(CriLogs.text(List.of())).isEmpty();
    assertThat(CriLogs.tail(List.of(), 20)).isEmpty();
  }

  private static List<LogEntry> parse(String... lines) {
    return CriLogs.parse(String.join("", Arrays.asList(lines)).getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] bytes(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  private static LogEntry out(String time, String text) {
    return new LogEntry(Stream.STDOUT, Instant.parse(time), text);
  }

  private static LogEntry err(String time, String text) {
    return new LogEntry(Stream.STDERR, Instant.parse(time), text);
  }
}
