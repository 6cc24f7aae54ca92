// Sends one call of each type with an official Node SDK, pointed at a Meridian CDP endpoint.
// usage: node send_with_sdk.mjs segment-node|rudderstack-node HOST WRITE_KEY RUN_ID
// Exits non-zero if the SDK reports a delivery error.
const [sdk, host, writeKey, runId] = process.argv.slice(2);
const user = `${sdk}-user-${runId}`;
const errors = [];

async function withSegment() {
  const { Analytics } = await import("@segment/analytics-node");
  const analytics = new Analytics({ writeKey, host, maxRetries: 0, flushInterval: 100 });
  analytics.on("error", (e) => errors.push(String(e?.reason ?? e)));
  send(analytics, (fn, msg) => analytics[fn](msg));
  await analytics.closeAndFlush({ timeout: 20000 });
}

async function withRudderStack() {
  const mod = await import("@rudderstack/rudder-sdk-node");
  const Analytics = mod.default ?? mod;
  const analytics = new Analytics(writeKey, { dataPlaneUrl: host, flushInterval: 100, retryCount: 0 });
  const calls = [];
  send(analytics, (fn, msg) =>
    calls.push(new Promise((resolve) => analytics[fn](msg, (err) => { if (err) errors.push(String(err)); resolve(); }))));
  await analytics.flush();
  await Promise.all(calls);
}

function send(analytics, call) {
  call("identify", { userId: user, traits: { email: " Someone@Example.COM ", plan: "pro" } });
  call("track", { userId: user, event: "Order Completed", properties: { revenue: 42.5, currency: "EUR" } });
  call("page", { userId: user, category: "Docs", name: "Pricing", properties: { url: "https://example.com/pricing" } });
  call("screen", { userId: user, name: "Home", properties: { variant: "b" } });
  call("group", { userId: user, groupId: `${sdk}-group`, traits: { name: "Acme" } });
  call("alias", { userId: user, previousId: `${sdk}-anon-${runId}` });
}

try {
  if (sdk === "segment-node") await withSegment();
  else await withRudderStack();
} catch (e) {
  errors.push(String(e));
}
if (errors.length) {
  console.error("SDK errors:", errors);
  process.exit(1);
}
console.log("sent 6 calls");
