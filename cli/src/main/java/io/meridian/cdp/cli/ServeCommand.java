package io.meridian.cdp.cli;

import io.meridian.cdp.accounting.RunReport;
import io.meridian.cdp.local.HttpIngestServer;
import io.meridian.cdp.local.LocalPipeline;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description =
        "Serve the Segment-compatible Tracking API (POST /v1/track, /v1/batch, ...) and the"
            + " profile API (GET /v1/profiles/...), and run the pipeline in the background.")
final class ServeCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(ServeCommand.class);

  @Mixin Options options;
  @Spec CommandSpec spec;

  @Option(
      names = "--port",
      description = "Port to listen on. Default: ${DEFAULT-VALUE}",
      defaultValue = "8088")
  int port;

  @Option(
      names = "--host",
      description = "Address to bind. Default: ${DEFAULT-VALUE} (loopback only)",
      defaultValue = "127.0.0.1")
  String host;

  @Option(
      names = "--threads",
      description = "Request threads. Default: ${DEFAULT-VALUE}",
      defaultValue = "64")
  int threads;

  @Option(
      names = "--pipeline-interval",
      paramLabel = "SECONDS",
      description =
          "Run the pipeline every SECONDS; 0 disables it (use `cdp run`). Default: ${DEFAULT-VALUE}",
      defaultValue = "10")
  int pipelineInterval;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    LocalRuntime rt = LocalRuntime.open(options, out);
    HttpIngestServer server =
        new HttpIngestServer(host, port, rt.ingest(), rt.clock(), threads)
            .serveProfiles(rt.profileApi());
    LocalPipeline pipeline = rt.pipeline();
    ScheduledExecutorService scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "pipeline");
              t.setDaemon(true);
              return t;
            });
    if (pipelineInterval > 0) {
      scheduler.scheduleWithFixedDelay(
          () -> {
            try {
              RunReport report = pipeline.runOnce();
              if (!report.lines().isEmpty()) {
                out.print(report.toTable());
                out.flush();
              }
            } catch (Exception e) {
              LOG.error("pipeline run failed: {}", e.toString());
            }
          },
          pipelineInterval,
          pipelineInterval,
          TimeUnit.SECONDS);
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.close();
                  scheduler.shutdownNow();
                  try {
                    rt.close();
                  } catch (Exception e) {
                    LOG.error("closing: {}", e.toString());
                  }
                  stopped.countDown();
                }));
    server.start();
    out.println(
        "Listening on http://" + host + ":" + server.port() + "  (data: " + rt.data() + ")");
    out.println("Send events: POST /v1/track, /v1/identify, /v1/batch ... with your write key.");
    out.println(
        "Read profiles: GET /v1/profiles/{id} or /v1/profiles?identifier_type=email&identifier=..."
            + " with a read key (cdp tenants read-key TENANT).");
    out.flush();
    stopped.await();
    return 0;
  }
}
