package io.meridian.cdp.aws.telemetry;

import java.time.Instant;
import org.slf4j.MDC;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

/** A logger that writes each event as one {@link JsonLine}. */
final class JsonLogger extends LegacyAbstractLogger {
  private static final long serialVersionUID = 1L;
  private final transient JsonLine line;

  JsonLogger(String name, JsonLine line) {
    this.name = name;
    this.line = line;
  }

  @Override
  public boolean isTraceEnabled() {
    return line.enabled(name, Level.TRACE);
  }

  @Override
  public boolean isDebugEnabled() {
    return line.enabled(name, Level.DEBUG);
  }

  @Override
  public boolean isInfoEnabled() {
    return line.enabled(name, Level.INFO);
  }

  @Override
  public boolean isWarnEnabled() {
    return line.enabled(name, Level.WARN);
  }

  @Override
  public boolean isErrorEnabled() {
    return line.enabled(name, Level.ERROR);
  }

  @Override
  protected String getFullyQualifiedCallerName() {
    return null;
  }

  @Override
  protected void handleNormalizedLoggingCall(
      Level level, Marker marker, String pattern, Object[] arguments, Throwable throwable) {
    String message = MessageFormatter.basicArrayFormat(pattern, arguments);
    JsonLine.write(
        line.format(Instant.now(), level, name, message, MDC.getCopyOfContextMap(), throwable));
  }
}
