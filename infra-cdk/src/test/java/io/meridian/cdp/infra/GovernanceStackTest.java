package io.meridian.cdp.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

class GovernanceStackTest {
  /** clean and curated tables: 2 + 5. */
  private static final int GOVERNED_TABLES = 10;

  private final Template governance = SynthesizedApp.governance();

  @Test
  void lakeFormationSettingsAppendAdminsAndGiveNewTablesNoIamDefaults() {
    governance.hasResourceProperties(
        "AWS::LakeFormation::DataLakeSettings",
        Map.of(
            "MutationType", "APPEND",
            "Admins", List.of(Map.of("DataLakePrincipalIdentifier", Match.anyValue())),
            "CreateDatabaseDefaultPermissions", List.of(),
            "CreateTableDefaultPermissions", List.of()));
  }

  @Test
  void theZonesAreRegisteredWithTheirOwnRole() {
    governance.resourceCountIs("AWS::LakeFormation::Resource", 4);
    governance.hasResourceProperties(
        "AWS::LakeFormation::Resource",
        Map.of(
            "UseServiceLinkedRole",
            false,
            "HybridAccessEnabled",
            false,
            "RoleArn",
            Match.anyValue(),
            "ResourceArn",
            Match.objectLike(Map.of("Fn::Join", Match.anyValue()))));
  }

  @Test
  void theAnalystSelectsCleanEventsWithoutItsPiiColumns() {
    governance.hasResourceProperties(
        "AWS::LakeFormation::PrincipalPermissions",
        Map.of(
            "Permissions", List.of("SELECT"),
            "PermissionsWithGrantOption", List.of(),
            "Principal", Map.of("DataLakePrincipalIdentifier", ref("AnalystRole")),
            "Resource",
                Map.of(
                    "TableWithColumns",
                    Map.of(
                        "DatabaseName", "cdp_clean",
                        "Name", "events",
                        "ColumnWildcard",
                            Map.of(
                                "ExcludedColumnNames",
                                List.of(
                                    "user_id",
                                    "anonymous_id",
                                    "previous_id",
                                    "traits",
                                    "context"))))));
  }

  @Test
  void theAnalystSelectsEveryCleanAndCuratedTableMinusWhatPiiColumnsLists() {
    Map<String, Map<String, Object>> grants =
        governance.findResources(
            "AWS::LakeFormation::PrincipalPermissions",
            Map.of(
                "Properties",
                Map.of(
                    "Principal", Map.of("DataLakePrincipalIdentifier", ref("AnalystRole")),
                    "Resource", Map.of("TableWithColumns", Match.anyValue()))));
    assertThat(grants).hasSize(GOVERNED_TABLES);
    for (Map.Entry<String, List<String>> pii : PiiColumns.BY_TABLE.entrySet()) {
      String[] dbTable = pii.getKey().split("\\.");
      governance.hasResourceProperties(
          "AWS::LakeFormation::PrincipalPermissions",
          Map.of(
              "Resource",
              Map.of(
                  "TableWithColumns",
                  Map.of(
                      "DatabaseName", dbTable[0],
                      "Name", dbTable[1],
                      "ColumnWildcard", Map.of("ExcludedColumnNames", pii.getValue())))));
    }
    assertThat(grants.toString()).doesNotContain("cdp_raw");
  }

  @Test
  void eachTenantHasARowFilterPerTableAndItsRoleSelectsOnlyThroughThem() {
    governance.resourceCountIs("AWS::LakeFormation::DataCellsFilter", 2 * GOVERNED_TABLES);
    governance.hasResourceProperties(
        "AWS::LakeFormation::DataCellsFilter",
        Map.of(
            "DatabaseName", "cdp_curated",
            "TableName", "profiles",
            "Name", "tenant_acme",
            "RowFilter", Map.of("FilterExpression", "tenant = 'acme'")));
    Map<String, Map<String, Object>> acmeSelects =
        governance.findResources(
            "AWS::LakeFormation::PrincipalPermissions",
            Map.of(
                "Properties",
                Map.of(
                    "Principal", Map.of("DataLakePrincipalIdentifier", ref("TenantAcmeRole")),
                    "Permissions", List.of("SELECT"))));
    assertThat(acmeSelects).hasSize(GOVERNED_TABLES);
    assertThat(acmeSelects.values())
        .allSatisfy(
            g ->
                assertThat(g.toString())
                    .contains("DataCellsFilter")
                    .contains("Name=tenant_acme")
                    .doesNotContain("TableWithColumns"));
  }

  @Test
  void theWorkgroupEnforcesKmsEncryptedResultsAndABytesScannedCutoff() {
    governance.hasResourceProperties(
        "AWS::Athena::WorkGroup",
        Map.of(
            "Name",
            "cdp-test-analysts",
            "WorkGroupConfiguration",
            Map.of(
                "EnforceWorkGroupConfiguration",
                true,
                "BytesScannedCutoffPerQuery",
                10L * 1024 * 1024 * 1024,
                "ResultConfiguration",
                Map.of(
                    "EncryptionConfiguration",
                    Map.of("EncryptionOption", "SSE_KMS", "KmsKey", Match.anyValue())))));
  }

  private Map<String, Object> ref(String rolePrefix) {
    String id =
        governance.findResources("AWS::IAM::Role").keySet().stream()
            .filter(k -> k.startsWith(rolePrefix))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no role " + rolePrefix));
    return Map.of("Fn::GetAtt", List.of(id, "Arn"));
  }
}
