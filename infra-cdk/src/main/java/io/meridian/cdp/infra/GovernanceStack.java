package io.meridian.cdp.infra;

import io.meridian.cdp.catalog.LakeTables;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Aws;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Fn;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.athena.CfnWorkGroup;
import software.amazon.awscdk.services.iam.AccountRootPrincipal;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.lakeformation.CfnDataCellsFilter;
import software.amazon.awscdk.services.lakeformation.CfnDataLakeSettings;
import software.amazon.awscdk.services.lakeformation.CfnPrincipalPermissions;
import software.amazon.awscdk.services.lakeformation.CfnResource;
import software.constructs.Construct;

/**
 * Who may read what: Lake Formation settings (admins appended, no IAMAllowedPrincipals defaults),
 * the lake's zones registered as data locations, an analyst role with SELECT on the clean and
 * curated tables minus their PII columns ({@link PiiColumns}), a data cells filter per tenant and
 * table ({@code tenant = '<id>'}) with a tenant-scoped role granted only those filters, and the
 * analysts' Athena workgroup (results encrypted with the data key, enforced; bytes-scanned cutoff).
 */
public final class GovernanceStack extends Stack {
  private final Role analystRole;
  private final Role locationRole;
  private final CfnWorkGroup workGroup;
  private final List<Role> tenantRoles = new ArrayList<>();

  public GovernanceStack(
      Construct scope, String id, StackProps props, DeployConfig config, StatefulStack data) {
    super(scope, id, props);
    addStackDependency(data);

    List<String> admins = new ArrayList<>(config.lakeFormationAdmins());
    if (admins.isEmpty()) {
      admins.add(
          Fn.sub(
              "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/cdk-hnb659fds-cfn-exec-role-${AWS::AccountId}-${AWS::Region}"));
    }
    CfnDataLakeSettings settings =
        CfnDataLakeSettings.Builder.create(this, "DataLakeSettings")
            // APPEND: the account's existing Lake Formation admins stay admins.
            .mutationType("APPEND")
            .admins(
                admins.stream()
                    .map(
                        a ->
                            (Object)
                                CfnDataLakeSettings.DataLakePrincipalProperty.builder()
                                    .dataLakePrincipalIdentifier(a)
                                    .build())
                    .toList())
            .createDatabaseDefaultPermissions(List.of())
            .createTableDefaultPermissions(List.of())
            .build();

    // The role Lake Formation reads the registered locations with (on behalf of Athena).
    this.locationRole =
        Role.Builder.create(this, "LocationRole")
            .roleName(config.name("lf-locations"))
            .description("Lake Formation reads the lake's clean and curated zones with this role")
            .assumedBy(new ServicePrincipal("lakeformation.amazonaws.com"))
            .build();
    for (String zone : List.of("clean", "curated", "quarantine", "raw")) {
      data.lake().grantRead(locationRole, zone + "/*");
      CfnResource.Builder.create(this, "Location" + StatefulStack.camel(zone))
          .resourceArn(data.lake().getBucketArn() + "/" + zone)
          .roleArn(locationRole.getRoleArn())
          .useServiceLinkedRole(false)
          .hybridAccessEnabled(false)
          .build()
          .addResourceDependency(settings);
    }
    data.dataKey().grantDecrypt(locationRole);

    this.workGroup =
        CfnWorkGroup.Builder.create(this, "AnalystsWorkGroup")
            .name(config.name("analysts"))
            .description("Meridian CDP analysts: encrypted results, bytes-scanned cutoff")
            .state("ENABLED")
            .recursiveDeleteOption(false)
            .workGroupConfiguration(
                CfnWorkGroup.WorkGroupConfigurationProperty.builder()
                    .enforceWorkGroupConfiguration(true)
                    .publishCloudWatchMetricsEnabled(true)
                    .bytesScannedCutoffPerQuery(config.athenaBytesScannedCutoff())
                    .engineVersion(
                        CfnWorkGroup.EngineVersionProperty.builder()
                            .selectedEngineVersion("Athena engine version 3")
                            .build())
                    .resultConfiguration(
                        CfnWorkGroup.ResultConfigurationProperty.builder()
                            .outputLocation("s3://" + data.athenaResults().getBucketName() + "/")
                            .encryptionConfiguration(
                                CfnWorkGroup.EncryptionConfigurationProperty.builder()
                                    .encryptionOption("SSE_KMS")
                                    .kmsKey(data.dataKey().getKeyArn())
                                    .build())
                            .build())
                    .build())
            .build();

    this.analystRole =
        queryRole(
            "AnalystRole",
            config.name("analyst"),
            "Analysts: clean and curated tables without PII columns, through Athena",
            data);
    List<LakeTables.LakeTable> governed =
        data.tables().stream().filter(t -> !t.database().equals(LakeTables.RAW)).toList();
    for (String db : List.of(LakeTables.CLEAN, LakeTables.CURATED)) {
      grant(
          "AnalystDescribe" + StatefulStack.camel(db),
          analystRole,
          CfnPrincipalPermissions.ResourceProperty.builder()
              .database(
                  CfnPrincipalPermissions.DatabaseResourceProperty.builder()
                      .catalogId(Aws.ACCOUNT_ID)
                      .name(db)
                      .build())
              .build(),
          List.of("DESCRIBE"),
          settings);
    }
    for (LakeTables.LakeTable t : governed) {
      grant(
          "AnalystSelect" + StatefulStack.camel(t.database()) + StatefulStack.camel(t.name()),
          analystRole,
          CfnPrincipalPermissions.ResourceProperty.builder()
              .tableWithColumns(
                  CfnPrincipalPermissions.TableWithColumnsResourceProperty.builder()
                      .catalogId(Aws.ACCOUNT_ID)
                      .databaseName(t.database())
                      .name(t.name())
                      .columnWildcard(
                          CfnPrincipalPermissions.ColumnWildcardProperty.builder()
                              .excludedColumnNames(PiiColumns.of(t.database(), t.name()))
                              .build())
                      .build())
              .build(),
          List.of("SELECT"),
          settings);
    }

    for (String tenant : config.tenants()) {
      String camelTenant = StatefulStack.camel(tenant);
      Role role =
          queryRole(
              "Tenant" + camelTenant + "Role",
              config.name("tenant-" + tenant),
              "Tenant " + tenant + ": only its own rows of the clean and curated tables",
              data);
      tenantRoles.add(role);
      for (String db : List.of(LakeTables.CLEAN, LakeTables.CURATED)) {
        grant(
            "Tenant" + camelTenant + "Describe" + StatefulStack.camel(db),
            role,
            CfnPrincipalPermissions.ResourceProperty.builder()
                .database(
                    CfnPrincipalPermissions.DatabaseResourceProperty.builder()
                        .catalogId(Aws.ACCOUNT_ID)
                        .name(db)
                        .build())
                .build(),
            List.of("DESCRIBE"),
            settings);
      }
      for (LakeTables.LakeTable t : governed) {
        String filterName = "tenant_" + tenant.replace('-', '_');
        String tableId = StatefulStack.camel(t.database()) + StatefulStack.camel(t.name());
        CfnDataCellsFilter filter =
            CfnDataCellsFilter.Builder.create(this, "Tenant" + camelTenant + "Filter" + tableId)
                .tableCatalogId(Aws.ACCOUNT_ID)
                .databaseName(t.database())
                .tableName(t.name())
                .name(filterName)
                .rowFilter(
                    CfnDataCellsFilter.RowFilterProperty.builder()
                        .filterExpression("tenant = '" + tenant + "'")
                        .build())
                .columnWildcard(
                    CfnDataCellsFilter.ColumnWildcardProperty.builder()
                        .excludedColumnNames(List.of())
                        .build())
                .build();
        filter.addResourceDependency(settings);
        grant(
                "Tenant" + camelTenant + "Select" + tableId,
                role,
                CfnPrincipalPermissions.ResourceProperty.builder()
                    .dataCellsFilter(
                        CfnPrincipalPermissions.DataCellsFilterResourceProperty.builder()
                            .tableCatalogId(Aws.ACCOUNT_ID)
                            .databaseName(t.database())
                            .tableName(t.name())
                            .name(filterName)
                            .build())
                    .build(),
                List.of("SELECT"),
                settings)
            .addResourceDependency(filter);
      }
    }

    CfnOutput.Builder.create(this, "AnalystRoleArn").value(analystRole.getRoleArn()).build();
    CfnOutput.Builder.create(this, "WorkGroup").value(workGroup.getName()).build();
  }

  /** A role people assume to query through the workgroup; Lake Formation decides the data. */
  private Role queryRole(String id, String name, String description, StatefulStack data) {
    Role role =
        Role.Builder.create(this, id)
            .roleName(name)
            .description(description)
            .assumedBy(new AccountRootPrincipal())
            .build();
    role.addToPolicy(
        PolicyStatement.Builder.create()
            .sid("QueryThroughTheWorkGroup")
            .actions(
                List.of(
                    "athena:StartQueryExecution",
                    "athena:StopQueryExecution",
                    "athena:GetQueryExecution",
                    "athena:GetQueryResults",
                    "athena:GetWorkGroup",
                    "athena:ListQueryExecutions"))
            .resources(
                List.of(
                    Stack.of(this)
                        .formatArn(
                            software.amazon.awscdk.ArnComponents.builder()
                                .service("athena")
                                .resource("workgroup")
                                .resourceName(workGroup.getName())
                                .build())))
            .build());
    role.addToPolicy(
        PolicyStatement.Builder.create()
            .sid("ReadTheCatalogLakeFormationGoverns")
            .actions(
                List.of(
                    "glue:GetDatabase",
                    "glue:GetDatabases",
                    "glue:GetTable",
                    "glue:GetTables",
                    "glue:GetPartition",
                    "glue:GetPartitions",
                    "lakeformation:GetDataAccess"))
            .resources(List.of("*"))
            .build());
    data.athenaResults().grantReadWrite(role);
    data.dataKey().grantEncryptDecrypt(role);
    return role;
  }

  private CfnPrincipalPermissions grant(
      String id,
      Role role,
      CfnPrincipalPermissions.ResourceProperty resource,
      List<String> permissions,
      CfnDataLakeSettings settings) {
    CfnPrincipalPermissions p =
        CfnPrincipalPermissions.Builder.create(this, id)
            .principal(
                CfnPrincipalPermissions.DataLakePrincipalProperty.builder()
                    .dataLakePrincipalIdentifier(role.getRoleArn())
                    .build())
            .resource(resource)
            .permissions(permissions)
            .permissionsWithGrantOption(List.of())
            .build();
    p.addResourceDependency(settings);
    return p;
  }

  public Role analystRole() {
    return analystRole;
  }

  public List<Role> tenantRoles() {
    return List.copyOf(tenantRoles);
  }

  public CfnWorkGroup workGroup() {
    return workGroup;
  }

  Map<String, Role> roles() {
    return Map.of("analyst", analystRole, "locations", locationRole);
  }
}
