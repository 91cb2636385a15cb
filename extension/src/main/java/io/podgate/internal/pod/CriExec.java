package io.podgate.internal.pod;

import io.grpc.Status;
import io.podgate.ExecResult;
import io.podgate.internal.backend.ExecFailure;
import io.podgate.internal.cri.CriClient;
import io.podgate.internal.cri.CriException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/** CRI ExecSync with its failures sorted into {@link ExecFailure} reasons. */
public final class CriExec {
  private CriExec() {}

  /** Runs {@code command} in container {@code containerId}; throws ExecFailure when it cannot run to its end. */
  public static ExecResult run(CriClient cri, String containerId, List<String> command, Duration timeout) {
    try {
      return cri.execSync(containerId, command, timeout);
    } catch (CriException e) {
      throw new ExecFailure(reason(e), e.getMessage(), e);
    }
  }

  static ExecFailure.Reason reason(CriException e) {
    if (e.code() == Status.Code.DEADLINE_EXCEEDED) {
      return ExecFailure.Reason.TIMED_OUT;
    }
    String m = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
    if (m.contains("executable file not found") || m.contains("no such file or directory")) {
      return ExecFailure.Reason.NO_SUCH_EXECUTABLE;
    }
    if (e.code() == Status.Code.NOT_FOUND) {
      return ExecFailure.Reason.NO_SUCH_CONTAINER;
    }
    return ExecFailure.Reason.OTHER;
  }
}
