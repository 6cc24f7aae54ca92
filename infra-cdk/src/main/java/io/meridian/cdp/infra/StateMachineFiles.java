package io.meridian.cdp.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The ASL definitions under {@code statemachines/}: every {@code *.asl.json}, its name (the file
 * name without {@code .asl.json}) and the {@code ${...}} placeholders the app substitutes. A
 * placeholder {@code ${<Id>FunctionArn}} names the function {@code <Id>} of {@link Functions}.
 */
public final class StateMachineFiles {
  private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z0-9]+)}");
  private static final String SUFFIX = ".asl.json";

  /** One definition file. */
  public record Definition(String name, Path file, Set<String> placeholders) {
    /** The function a placeholder names, if any. */
    public Optional<FunctionSpec> function(String placeholder) {
      return Functions.ALL.stream().filter(f -> f.aslPlaceholder().equals(placeholder)).findFirst();
    }
  }

  private StateMachineFiles() {}

  /** Every definition in {@code dir}, by file name. */
  public static List<Definition> in(Path dir) {
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .filter(f -> f.getFileName().toString().endsWith(SUFFIX))
          .sorted()
          .map(StateMachineFiles::read)
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list the state machines in " + dir, e);
    }
  }

  static Definition read(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    Set<String> placeholders = new LinkedHashSet<>();
    Matcher m = PLACEHOLDER.matcher(text);
    while (m.find()) {
      placeholders.add(m.group(1));
    }
    String fileName = file.getFileName().toString();
    return new Definition(
        fileName.substring(0, fileName.length() - SUFFIX.length()), file, placeholders);
  }
}
