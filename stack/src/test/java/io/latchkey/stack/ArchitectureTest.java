package io.latchkey.stack;

import static com.tngtech.archunit.core.domain.JavaCall.Predicates.target;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.assignableTo;
import static com.tngtech.archunit.core.domain.properties.HasName.Predicates.name;
import static com.tngtech.archunit.core.domain.properties.HasOwner.Predicates.With.owner;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.SqlClient;

/**
 * The structural rules we keep, over the main code of every module: no package cycle inside a module, only
 * {@code http} packages see a request, HTTP code stays away from SQL, and main code never sleeps a thread.
 */
@AnalyzeClasses(packages = "io.latchkey", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    /** A slice is one package of one module ({@code io.latchkey.auth.grant}), with its subpackages. */
    @ArchTest
    static final ArchRule noPackageCycleInAnyModule = slices().matching("io.latchkey.(*).(*)..")
            .should()
            .beFreeOfCycles()
            .because("a feature lands in one package and depends downwards; a cycle makes every package move with"
                    + " every other");

    @ArchTest
    static final ArchRule onlyHttpPackagesTouchTheRequest = noClasses()
            .that()
            .resideOutsideOfPackage("..http..")
            .should()
            .dependOnClassesThat()
            .areAssignableTo(RoutingContext.class)
            .because("logic is testable without HTTP: handlers parse the request into values and render results");

    @ArchTest
    static final ArchRule httpCodeDoesNotTouchSql = noClasses()
            .that()
            .resideInAPackage("..http..")
            .or()
            .haveSimpleNameEndingWith("Routes")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("io.vertx.sqlclient..", "io.vertx.pgclient..", "java.sql..")
            .because("handlers stay thin; SQL lives in Pg*Repository classes");

    @ArchTest
    static final ArchRule sqlOnlyInRepositories = noClasses()
            .that()
            .haveSimpleNameNotStartingWith("Pg")
            .and()
            .resideOutsideOfPackages("io.latchkey.db..", "io.latchkey.stack..")
            .should()
            .callMethodWhere(
                    target(name("query").or(name("preparedQuery"))).and(target(owner(assignableTo(SqlClient.class)))))
            .because("SQL text lives in Pg*Repository classes, where a reader finds every statement of a table");

    @ArchTest
    static final ArchRule mainCodeNeverSleeps = noClasses()
            .should()
            .callMethod(Thread.class, "sleep", long.class)
            .orShould()
            .callMethod(Thread.class, "sleep", long.class, int.class)
            .because("a sleeping thread may be an event loop; await a Future or a timer instead");
}
