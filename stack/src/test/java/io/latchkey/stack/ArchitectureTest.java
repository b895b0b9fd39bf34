package io.latchkey.stack;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The few structural rules we keep: HTTP code stays away from SQL, and main code never sleeps a thread. */
@AnalyzeClasses(packages = "io.latchkey", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

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
    static final ArchRule mainCodeNeverSleeps = noClasses()
            .should()
            .callMethod(Thread.class, "sleep", long.class)
            .orShould()
            .callMethod(Thread.class, "sleep", long.class, int.class)
            .because("a sleeping thread may be an event loop; await a Future or a timer instead");
}
