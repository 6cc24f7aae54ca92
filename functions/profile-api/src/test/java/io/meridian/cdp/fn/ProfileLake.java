package io.meridian.cdp.fn;

import static io.meridian.cdp.identity.CleanFixtures.writeClean;

import io.meridian.cdp.identity.BuildProfiles;
import io.meridian.cdp.identity.CleanFixtures.Call;
import io.meridian.cdp.identity.CuratedStore;
import io.meridian.cdp.identity.ResolveIdentities;
import io.meridian.cdp.lake.InMemoryObjectStore;
import io.meridian.cdp.tenant.TenantConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** A lake where tenant acme (test-events/cdp.yaml) has curated profiles, Ann's among them. */
final class ProfileLake {
  private ProfileLake() {}

  static InMemoryObjectStore acme(Path work) throws IOException {
    java.nio.file.Files.createDirectories(work);
    InMemoryObjectStore lake = new InMemoryObjectStore();
    writeClean(
        lake,
        work,
        "acme",
        "2026-11-24",
        "web-a",
        List.of(
            new Call(
                "m1",
                "identify",
                null,
                "u-1001",
                "anon-7",
                "{\"email\":\"Ann@Example.com\",\"plan\":\"pro\"}",
                null,
                1_795_514_000L),
            new Call(
                "m2",
                "identify",
                null,
                "u-1002",
                null,
                "{\"email\":\"bob@example.com\"}",
                null,
                1_795_514_100L)));
    TenantConfig acme = Fixtures.config().tenant("acme").orElseThrow();
    CuratedStore store = new CuratedStore(lake, work);
    new ResolveIdentities(store).run("acme", acme.identityRules(), acme.defaultPhoneRegion());
    new BuildProfiles(store).run("acme", acme.identityRules());
    return lake;
  }
}
