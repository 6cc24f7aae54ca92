package io.meridian.cdp.infra;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.Dashboard;
import software.amazon.awscdk.services.cloudwatch.GraphWidget;
import software.amazon.awscdk.services.cloudwatch.IMetric;
import software.amazon.awscdk.services.cloudwatch.IWidget;
import software.amazon.awscdk.services.cloudwatch.MathExpression;
import software.amazon.awscdk.services.cloudwatch.Metric;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.cloudwatch.actions.SnsAction;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.stepfunctions.StateMachine;
import software.constructs.Construct;

/**
 * The dashboard and the alarms, all notifying the alarm topic: Kinesis iterator age of
 * stream-to-raw, depth of every dead-letter queue, failed/timed-out/aborted executions of every
 * state machine, errors of the event-driven and curate functions (a tenant's failed curate step is
 * caught inside the execution, so its function's errors are what reveal it), the ingestion API's
 * 5xx rate, and the share of converted events that raw-to-clean quarantined. The dashboard also
 * shows the functions' own EMF metrics (namespace {@value PipelineFunction#METRICS_NAMESPACE},
 * dimensions {@code Service} = the function's module and {@code Stage}, ADR 0034): what each stage
 * accepted, rejected, merged, published and erased.
 */
final class Monitoring extends Construct {
  /** Iterator age above which stream-to-raw is falling behind, milliseconds. */
  static final int ITERATOR_AGE_MS = 5 * 60 * 1000;

  /** 5xx share of API requests that alarms, percent. */
  static final int API_5XX_PERCENT = 1;

  /** Share of raw-to-clean's input it quarantined that alarms (3 periods of 15 min), percent. */
  static final int QUARANTINE_PERCENT = 5;

  Monitoring(Construct scope, String id, DeployConfig config, StatefulStack data, PipelineStack p) {
    super(scope, id);
    SnsAction notify = new SnsAction(data.alarmTopic());
    Duration fiveMinutes = Duration.minutes(5);
    List<IWidget> widgets = new ArrayList<>();

    PipelineFunction streamToRaw = p.functions().get(Functions.STREAM_TO_RAW.id());
    Metric iteratorAge =
        streamToRaw
            .function()
            .metric(
                "IteratorAge",
                MetricOptions.builder().statistic("Maximum").period(Duration.minutes(1)).build());
    alarm(
        notify,
        "IteratorAge",
        config.name("stream-to-raw-iterator-age"),
        "stream-to-raw is more than 5 minutes behind the stream",
        iteratorAge,
        ITERATOR_AGE_MS,
        5);

    for (Map.Entry<String, Queue> dlq : p.deadLetterQueues().entrySet()) {
      alarm(
          notify,
          StatefulStack.camel(dlq.getKey()) + "DlqDepth",
          config.name(dlq.getKey() + "-dlq-not-empty"),
          "Messages in the dead-letter queue of " + dlq.getKey() + ": replay or investigate",
          dlq.getValue()
              .metricApproximateNumberOfMessagesVisible(
                  MetricOptions.builder().statistic("Maximum").period(fiveMinutes).build()),
          1,
          1);
    }

    for (Map.Entry<String, StateMachine> sm : p.stateMachines().entrySet()) {
      MetricOptions sum = MetricOptions.builder().statistic("Sum").period(fiveMinutes).build();
      MathExpression failures =
          MathExpression.Builder.create()
              .expression("failed + timedOut + aborted")
              .label(sm.getKey() + " executions failed, timed out or aborted")
              .usingMetrics(
                  Map.of(
                      "failed", sm.getValue().metricFailed(sum),
                      "timedOut", sm.getValue().metricTimedOut(sum),
                      "aborted", sm.getValue().metricAborted(sum)))
              .period(fiveMinutes)
              .build();
      alarm(
          notify,
          StatefulStack.camel(sm.getKey()) + "ExecutionsFailed",
          config.name(sm.getKey() + "-executions-failed"),
          "An execution of state machine " + sm.getKey() + " failed, timed out or was aborted",
          failures,
          1,
          1);
      widgets.add(graph(sm.getKey() + " executions", List.of(failures)));
    }

    List<IMetric> errors = new ArrayList<>();
    for (PipelineFunction fn : p.functions().values()) {
      Metric e =
          fn.function()
              .metricErrors(MetricOptions.builder().statistic("Sum").period(fiveMinutes).build());
      errors.add(e);
      if (fn.spec() == Functions.INGEST_API || fn.spec() == Functions.AUTHORIZER) {
        continue; // seen by the API's 5xx rate
      }
      alarm(
          notify,
          fn.spec().id() + "Errors",
          config.name(fn.spec().module() + "-errors"),
          fn.spec().module() + " failed an invocation",
          e,
          1,
          1);
    }

    MathExpression serverErrorRate =
        MathExpression.Builder.create()
            .expression("IF(requests > 0, 100 * errors / requests, 0)")
            .label("ingest API 5xx, % of requests")
            .usingMetrics(
                Map.of(
                    "errors",
                    p.api()
                        .metricServerError(
                            MetricOptions.builder().statistic("Sum").period(fiveMinutes).build()),
                    "requests",
                    p.api()
                        .metricCount(
                            MetricOptions.builder().statistic("Sum").period(fiveMinutes).build())))
            .period(fiveMinutes)
            .build();
    alarm(
        notify,
        "IngestApi5xx",
        config.name("ingest-api-5xx"),
        "More than 1% of ingestion requests answered 5xx",
        serverErrorRate,
        API_5XX_PERCENT,
        2);

    Duration quarter = Duration.minutes(15);
    MathExpression quarantineShare =
        MathExpression.Builder.create()
            .expression("IF(eventsIn > 0, 100 * quarantined / eventsIn, 0)")
            .label("raw-to-clean quarantined, % of its input")
            .usingMetrics(
                Map.of(
                    "quarantined",
                    emf(Functions.RAW_TO_CLEAN, RAW_TO_CLEAN_STAGE, "EventsQuarantined", quarter),
                    "eventsIn",
                    emf(Functions.RAW_TO_CLEAN, RAW_TO_CLEAN_STAGE, "EventsIn", quarter)))
            .period(quarter)
            .build();
    alarm(
        notify,
        "QuarantineShare",
        config.name("quarantine-share"),
        "More than 5% of converted events were quarantined for 45 minutes: a source sends calls"
            + " that fail validation (quarantine.records has the reasons)",
        quarantineShare,
        QUARANTINE_PERCENT,
        3);

    widgets.add(0, graph("ingest API 5xx %", List.of(serverErrorRate)));
    widgets.add(1, graph("stream-to-raw iterator age (ms)", List.of(iteratorAge)));
    widgets.add(graph("function errors", errors));
    widgets.add(
        graph(
            "ingestion: calls (ingest-api)",
            emfs(Functions.INGEST_API, "ingest", fiveMinutes, INGEST_METRICS)));
    widgets.add(
        graph(
            "raw → clean: events (raw-to-clean)",
            emfs(Functions.RAW_TO_CLEAN, RAW_TO_CLEAN_STAGE, fiveMinutes, CLEAN_METRICS)));
    widgets.add(graph("raw → clean: quarantined %", List.of(quarantineShare)));
    widgets.add(
        graph(
            "identity resolution (resolve-identities)",
            emfs(Functions.RESOLVE_IDENTITIES, "identity", fiveMinutes, IDENTITY_METRICS)));
    List<IMetric> activation =
        new ArrayList<>(emfs(Functions.COMPUTE_SEGMENTS, "segments", fiveMinutes, SEGMENT_METRICS));
    activation.addAll(emfs(Functions.PUBLISH_CHANGES, "publish", fiveMinutes, PUBLISH_METRICS));
    widgets.add(graph("segments and activation", activation));
    widgets.add(
        graph("erasures (erase)", emfs(Functions.ERASE, "erase", fiveMinutes, ERASE_METRICS)));
    widgets.add(
        graph(
            "dead-letter queues",
            p.deadLetterQueues().values().stream()
                .map(q -> (IMetric) q.metricApproximateNumberOfMessagesVisible())
                .toList()));
    Dashboard.Builder.create(this, "Dashboard")
        .dashboardName(config.name("pipeline"))
        .widgets(List.of(widgets))
        .build();
  }

  private void alarm(
      SnsAction notify,
      String id,
      String name,
      String description,
      IMetric metric,
      double threshold,
      int evaluationPeriods) {
    Alarm a =
        Alarm.Builder.create(this, id)
            .alarmName(name)
            .alarmDescription(description)
            .metric(metric)
            .threshold(threshold)
            .evaluationPeriods(evaluationPeriods)
            .comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD)
            .treatMissingData(TreatMissingData.NOT_BREACHING)
            .build();
    a.addAlarmAction(notify);
  }

  /** raw-to-clean's stage name in its metrics. */
  static final String RAW_TO_CLEAN_STAGE = io.meridian.cdp.clean.RawToClean.STAGE;

  static final List<String> INGEST_METRICS =
      List.of("EventsAccepted", "EventsInvalid", "EventsSuppressed", "RequestsRejected");
  static final List<String> CLEAN_METRICS =
      List.of("EventsIn", "EventsOut", "EventsQuarantined", "Duplicates");
  static final List<String> IDENTITY_METRICS = List.of("IdentityEvents", "Merges", "MergesBlocked");
  static final List<String> SEGMENT_METRICS = List.of("MembersEntered", "MembersExited");
  static final List<String> PUBLISH_METRICS =
      List.of("ChangesPublished", "ChangesSuppressed", "ConsentExclusions");
  static final List<String> ERASE_METRICS =
      List.of("ErasuresCompleted", "ErasuresWaiting", "ErasuresNotFound");

  /** One of a function's own EMF metrics, summed over {@code period}. */
  static Metric emf(FunctionSpec fn, String stage, String name, Duration period) {
    return Metric.Builder.create()
        .namespace(PipelineFunction.METRICS_NAMESPACE)
        .metricName(name)
        .dimensionsMap(Map.of("Service", fn.module(), "Stage", stage))
        .statistic("Sum")
        .period(period)
        .label(fn.module() + " " + name)
        .build();
  }

  private static List<IMetric> emfs(
      FunctionSpec fn, String stage, Duration period, List<String> names) {
    return names.stream().map(n -> (IMetric) emf(fn, stage, n, period)).toList();
  }

  private static GraphWidget graph(String title, List<IMetric> metrics) {
    return GraphWidget.Builder.create().title(title).left(metrics).width(12).build();
  }
}
