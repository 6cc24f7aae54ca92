"""Sends one call of each type with an official SDK, pointed at a Meridian CDP endpoint.

usage: send_with_sdk.py segment|rudderstack HOST WRITE_KEY RUN_ID
Exits non-zero if the SDK reports any delivery error.
"""
import sys

sdk, host, write_key, run_id = sys.argv[1:5]
if sdk == "segment":
    import segment.analytics as analytics

    analytics.host = host
else:
    import rudderstack.analytics as analytics

    analytics.dataPlaneUrl = host

errors = []
analytics.write_key = write_key
analytics.on_error = lambda error, items: errors.append(repr(error))
analytics.max_retries = 0 if hasattr(analytics, "max_retries") else None

user = f"{sdk}-user-{run_id}"
analytics.identify(user, {"email": " Someone@Example.COM ", "plan": "pro"})
analytics.track(user, "Order Completed", {"revenue": 42.5, "currency": "EUR"})
analytics.page(user, "Docs", "Pricing", {"url": "https://example.com/pricing"})
analytics.screen(user, "App", "Home", {"variant": "b"})
analytics.group(user, f"{sdk}-group", {"name": "Acme"})
analytics.alias(f"{sdk}-anon-{run_id}", user)
analytics.flush()
analytics.shutdown() if hasattr(analytics, "shutdown") else None

if errors:
    print("SDK errors:", errors, file=sys.stderr)
    sys.exit(1)
print("sent 6 calls")
