package dev.tollgate.internal.config;

import dev.tollgate.internal.ratelimit.TierSettings;
import dev.tollgate.internal.ratelimit.LimitSettings;
import dev.tollgate.RateLimit;
import dev.tollgate.RateLimit.Algorithm;
import dev.tollgate.internal.ratelimit.LimitPolicy;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class RateLimitSettingsReaderTest {

    static class Orders {
        @RateLimit(limit = 10, window = 2, windowUnit = ChronoUnit.SECONDS, algorithm = Algorithm.SLIDING_WINDOW,
                key = "principal")
        public void create(String customer, int amount) {
        }

        @RateLimit(limit = 0)
        public void zero() {
        }

        @RateLimit(limit = 5, burst = 3)
        public void burstOnAWindow() {
        }

        @RateLimit(limit = 5, cost = 6)
        public void tooDear() {
        }

        @RateLimit(limit = 5, window = 3, windowUnit = ChronoUnit.MONTHS)
        public void months() {
        }

        @RateLimit(limit = 5, window = 500, windowUnit = ChronoUnit.MICROS)
        public void micros() {
        }

        @RateLimit(limit = 5, window = 400, windowUnit = ChronoUnit.DAYS)
        public void tooLong() {
        }

        @RateLimit(name = "burst", limit = 10, windowUnit = ChronoUnit.SECONDS)
        @RateLimit(name = "daily", limit = 1000, windowUnit = ChronoUnit.DAYS)
        public void search() {
        }

        @RateLimit(limit = 10)
        @RateLimit(limit = 20, windowUnit = ChronoUnit.HOURS)
        public void unnamedTwice() {
        }

        @RateLimit(limit = 3, algorithm = Algorithm.TOKEN_BUCKET, burst = 9, maxWait = 2, maxWaitUnit = ChronoUnit.SECONDS)
        public void bucket() {
        }

        @RateLimit(limit = 100, window = 1, windowUnit = ChronoUnit.HOURS, algorithm = Algorithm.GCRA, burst = 5)
        public void gcra() {
        }

        @RateLimit(limit = 100, window = 1, windowUnit = ChronoUnit.HOURS, algorithm = Algorithm.GCRA)
        public void gcraWithoutBurst() {
        }

        @RateLimit(limit = 1, window = 366, windowUnit = ChronoUnit.DAYS, algorithm = Algorithm.GCRA,
                burst = 100_000)
        public void gcraBeyondItsArithmetic() {
        }

        @RateLimit(limit = 3, maxWait = 2, maxWaitUnit = ChronoUnit.MINUTES)
        public void longWait() {
        }

        @RateLimit(limit = 10, tiered = true, key = "principal")
        public void tiered() {
        }

        @RateLimit(name = "bad name!", limit = 1)
        public void badName() {
        }

        @RateLimit(limit = 1000, leasing = true)
        public void leasedWindow() {
        }

        @RateLimit(limit = 1000, algorithm = Algorithm.GCRA, leasing = true)
        public void leasedGcra() {
        }
    }

    private final Map<String, String> config = new HashMap<>();
    private final DeploymentProblems problems = new DeploymentProblems();

    private List<LimitSettings> read(String methodName) {
        return read(methodName, TierSettings.none());
    }

    private List<LimitSettings> read(String methodName, TierSettings tiers) {
        Method method = Arrays.stream(Orders.class.getMethods()).filter(m -> m.getName().equals(methodName))
                .findFirst().orElseThrow();
        ConfigValues values = key -> Optional.ofNullable(config.get(key));
        return new RateLimitSettingsReader(values, tiers)
                .read(Orders.class, method, List.of(method.getAnnotationsByType(RateLimit.class)), problems);
    }

    private static final String ORDERS = "dev.tollgate.internal.config.RateLimitSettingsReaderTest$Orders";

    @Test
    void takesTheAnnotationsValues() {
        LimitSettings settings = read("create").get(0);
        assertThat(settings.name()).isEqualTo(ORDERS + "/create");
        assertThat(settings.policy()).isEqualTo(LimitPolicy.window(Algorithm.SLIDING_WINDOW, 10, 2000));
        assertThat(settings.cost()).isEqualTo(1);
        assertThat(settings.key()).isEqualTo("principal");
        assertThat(settings.shadow()).isFalse();
        assertThat(settings.maxWaitMillis()).isZero();
        assertThat(problems.isEmpty()).isTrue();
    }

    @Test
    void configurationOverridesByPrecedence() {
        config.put("tollgate.ratelimit.limit", "1");
        assertThat(read("create").get(0).policy().limit()).isEqualTo(1);
        config.put(ORDERS + "/RateLimit/limit", "2");
        assertThat(read("create").get(0).policy().limit()).isEqualTo(2);
        config.put(ORDERS + "/create/RateLimit/limit", "3");
        config.put(ORDERS + "/create/RateLimit/algorithm", "token_bucket");
        config.put(ORDERS + "/create/RateLimit/windowUnit", "MINUTES");
        LimitSettings settings = read("create").get(0);
        assertThat(settings.policy()).isEqualTo(LimitPolicy.tokenBucket(3, 120_000, 3));
        assertThat(problems.messages()).isEmpty();
    }

    @Test
    void aNamedLimitOfSeveralCanBeOverriddenAlone() {
        config.put(ORDERS + "/search/RateLimit/daily/limit", "5000");
        List<LimitSettings> limits = read("search");
        assertThat(limits).extracting(l -> l.policy().limit()).containsExactly(10L, 5000L);
        config.put(ORDERS + "/search/RateLimit/limit", "7");
        assertThat(read("search")).extracting(l -> l.policy().limit()).containsExactly(7L, 5000L);
    }

    @Test
    void aDisabledLimitIsLeftOut() {
        config.put(ORDERS + "/search/RateLimit/burst/enabled", "false");
        assertThat(read("search")).extracting(LimitSettings::name).containsExactly("daily");
        config.put("tollgate.ratelimit.enabled", "false");
        assertThat(read("create")).isEmpty();
        assertThat(problems.isEmpty()).isTrue();
    }

    @Test
    void reportsEveryProblemWithMemberMethodAndValue() {
        read("zero");
        read("burstOnAWindow");
        read("tooDear");
        read("months");
        read("micros");
        read("tooLong");
        read("longWait");
        read("badName");
        assertThat(problems.messages()).containsExactly(
                "Invalid @RateLimit.limit on " + ORDERS + "#zero(): must be > 0 and <= 1099511627776, was 0",
                "Invalid @RateLimit.burst on " + ORDERS + "#burstOnAWindow(): only TOKEN_BUCKET and GCRA have a burst,"
                        + " but the algorithm is FIXED_WINDOW, was 3",
                "Invalid @RateLimit.cost on " + ORDERS + "#tooDear(): must be >= 1 and <= the capacity (5), or no"
                        + " call could ever be permitted, was 6",
                "Invalid @RateLimit.windowUnit on " + ORDERS + "#months(): must be one of [MILLIS, SECONDS, MINUTES,"
                        + " HOURS, HALF_DAYS, DAYS, WEEKS], was MONTHS",
                "Invalid @RateLimit.windowUnit on " + ORDERS + "#micros(): must be one of [MILLIS, SECONDS, MINUTES,"
                        + " HOURS, HALF_DAYS, DAYS, WEEKS], was MICROS",
                "Invalid @RateLimit.window on " + ORDERS + "#tooLong(): window x windowUnit must be between 1 ms and"
                        + " 366 days, was 400 DAYS",
                "Invalid @RateLimit.maxWait on " + ORDERS + "#longWait(): maxWait x maxWaitUnit must be at most 60"
                        + " seconds, was 2 MINUTES",
                "Invalid @RateLimit.name on " + ORDERS + "#badName(): must be 1 to 200 characters from"
                        + " [A-Za-z0-9._:/$-], was 'bad name!'");
    }

    @Test
    void namesTheConfigKeyABadValueCameFrom() {
        config.put(ORDERS + "/create/RateLimit/limit", "-4");
        config.put(ORDERS + "/RateLimit/algorithm", "LEAKY_BUCKET");
        config.put("tollgate.ratelimit.shadow", "yes");
        assertThat(read("create")).isEmpty();
        assertThat(problems.messages()).containsExactly(
                "Invalid @RateLimit.algorithm on " + ORDERS + "#create(String, int): must be one of [FIXED_WINDOW,"
                        + " SLIDING_WINDOW, TOKEN_BUCKET, GCRA, CONCURRENCY], was 'LEAKY_BUCKET' (from config " + ORDERS
                        + "/RateLimit/algorithm)",
                "Invalid @RateLimit.shadow on " + ORDERS + "#create(String, int): must be true or false, was 'yes'"
                        + " (from config tollgate.ratelimit.shadow)");
        problems.messages();
        config.remove(ORDERS + "/RateLimit/algorithm");
        config.remove("tollgate.ratelimit.shadow");
        DeploymentProblems fresh = new DeploymentProblems();
        Method create = Arrays.stream(Orders.class.getMethods()).filter(m -> m.getName().equals("create"))
                .findFirst().orElseThrow();
        new RateLimitSettingsReader(key -> Optional.ofNullable(config.get(key)), TierSettings.none())
                .read(Orders.class, create, List.of(create.getAnnotationsByType(RateLimit.class)), fresh);
        assertThat(fresh.messages()).containsExactly("Invalid @RateLimit.limit on " + ORDERS
                + "#create(String, int): must be > 0 and <= 1099511627776, was -4 (from config " + ORDERS
                + "/create/RateLimit/limit)");
    }

    @Test
    void limitsOfOneMethodNeedDistinctNames() {
        read("unnamedTwice");
        assertThat(problems.messages()).containsExactly("Invalid @RateLimit.name on " + ORDERS
                + "#unnamedTwice(): the limits of one method need distinct names, was '" + ORDERS
                + "/unnamedTwice' twice");
    }

    @Test
    void aTokenBucketsBurstIsItsCapacityAndMaxWaitIsInMillis() {
        LimitSettings settings = read("bucket").get(0);
        assertThat(settings.policy()).isEqualTo(LimitPolicy.tokenBucket(3, 60_000, 9));
        assertThat(settings.maxWaitMillis()).isEqualTo(2000);
    }

    @Test
    void aGcrasBurstIsItsToleranceAndDefaultsToItsLimit() {
        assertThat(read("gcra").get(0).policy()).isEqualTo(LimitPolicy.gcra(100, 3_600_000, 5));
        assertThat(read("gcraWithoutBurst").get(0).policy()).isEqualTo(LimitPolicy.gcra(100, 3_600_000, 100));
        assertThat(problems.messages()).isEmpty();
    }

    @Test
    void aGcraWhoseToleranceExceedsItsArithmeticFailsTheDeployment() {
        assertThat(read("gcraBeyondItsArithmetic")).isEmpty();
        assertThat(problems.messages()).containsExactly("Invalid @RateLimit.burst on " + ORDERS
                + "#gcraBeyondItsArithmetic(): a GCRA's burst (the limit if burst is 0) x window in ms must be at most "
                + LimitPolicy.MAX_GCRA_TOLERANCE + ", was 100000 x 31622400000 ms");
    }

    @Test
    void tieredLimitsTakeTheirTiersLimits() {
        Map<String, String> tierConfig = Map.of("tollgate.tiers", "free, basic, premium",
                "tollgate.tier.free.limit", "10", "tollgate.tier.premium.limit", "300",
                "tollgate.tier.premium.role", "gold");
        TierSettings tiers = TierSettingsReader.read(key -> Optional.ofNullable(tierConfig.get(key)), problems);
        assertThat(tiers.names()).containsExactly("free", "basic", "premium");
        assertThat(tiers.roles()).containsEntry("premium", "gold").containsEntry("basic", "basic");

        LimitSettings settings = read("tiered", tiers).get(0);
        assertThat(settings.policyFor("free").limit()).isEqualTo(10);
        assertThat(settings.policyFor("basic").limit()).as("no tier limit: the annotation's").isEqualTo(10);
        assertThat(settings.policyFor("premium").limit()).isEqualTo(300);
        assertThat(settings.policyFor("premium").windowMillis()).isEqualTo(60_000);
        assertThat(problems.isEmpty()).isTrue();
    }

    @Test
    void aTieredLimitWithoutTiersIsAnError() {
        read("tiered");
        assertThat(problems.messages()).containsExactly("Invalid @RateLimit.tiered on " + ORDERS
                + "#tiered(): tiered limits need tiers: set tollgate.tiers, was true");
    }

    @Test
    void badTierSettingsAreReported() {
        Map<String, String> tierConfig = Map.of("tollgate.tiers", "free,free,gold star",
                "tollgate.tier.free.limit", "ten");
        TierSettingsReader.read(key -> Optional.ofNullable(tierConfig.get(key)), problems);
        assertThat(problems.messages()).containsExactly(
                "Invalid tollgate.tier.free.limit: must be a whole number, was 'ten'",
                "Invalid tollgate.tiers: tier 'free' is listed twice, was 'free,free,gold star'",
                "Invalid tollgate.tiers: tier names use [A-Za-z0-9_-], 1 to 64 characters, was 'gold star' in"
                        + " 'free,free,gold star'");
    }

    @Test
    void aSlidingWindowsLimitIsBoundedBecauseItsLogGrowsWithIt() {
        config.put(ORDERS + "/create/RateLimit/algorithm", "SLIDING_WINDOW");
        config.put(ORDERS + "/create/RateLimit/limit", "10000");
        assertThat(read("create")).hasSize(1);
        config.put(ORDERS + "/create/RateLimit/limit", "10001");
        assertThat(read("create")).isEmpty();
        assertThat(problems.messages()).containsExactly("Invalid @RateLimit.limit on " + ORDERS
                + "#create(String, int): a SLIDING_WINDOW keeps one entry per permit of its window, so its limit must"
                + " be <= 10000 (tollgate.ratelimit.sliding-window.max-limit); for a larger limit without bursts at"
                + " window edges use GCRA, whose state per partition is one value, was 10001 (from config "
                + ORDERS + "/create/RateLimit/limit)");
    }

    @Test
    void otherAlgorithmsAreNotBoundedByTheSlidingWindowsMaximum() {
        config.put(ORDERS + "/create/RateLimit/limit", "1000000");
        for (String algorithm : new String[] {"FIXED_WINDOW", "TOKEN_BUCKET", "GCRA"}) {
            config.put(ORDERS + "/create/RateLimit/algorithm", algorithm);
            assertThat(read("create")).as(algorithm).hasSize(1);
        }
        assertThat(problems.messages()).isEmpty();
    }

    @Test
    void theSlidingWindowsMaximumIsConfigurableAndChecked() {
        Map<String, String> global = new HashMap<>(Map.of("tollgate.ratelimit.sliding-window.max-limit", "50000"));
        ConfigValues values = key -> Optional.ofNullable(global.get(key));
        assertThat(RateLimitSettingsReader.slidingWindowMaxLimit(values, problems)).isEqualTo(50_000);
        assertThat(RateLimitSettingsReader.slidingWindowMaxLimit(key -> Optional.empty(), problems))
                .isEqualTo(RateLimitSettingsReader.DEFAULT_SLIDING_WINDOW_MAX_LIMIT);
        assertThat(problems.messages()).isEmpty();
        global.put("tollgate.ratelimit.sliding-window.max-limit", "0");
        RateLimitSettingsReader.slidingWindowMaxLimit(values, problems);
        assertThat(problems.messages()).containsExactly("Invalid tollgate.ratelimit.sliding-window.max-limit: must"
                + " be a whole number from 1 to 1099511627776, was '0'");

        config.put(ORDERS + "/create/RateLimit/algorithm", "SLIDING_WINDOW");
        config.put(ORDERS + "/create/RateLimit/limit", "20000");
        Method create = Arrays.stream(Orders.class.getMethods()).filter(m -> m.getName().equals("create"))
                .findFirst().orElseThrow();
        DeploymentProblems fresh = new DeploymentProblems();
        assertThat(new RateLimitSettingsReader(key -> Optional.ofNullable(config.get(key)), TierSettings.none(),
                50_000).read(Orders.class, create, List.of(create.getAnnotationsByType(RateLimit.class)), fresh))
                .hasSize(1);
        assertThat(fresh.messages()).isEmpty();
    }

    @Test
    void aTiersSlidingWindowLimitIsBoundedToo() {
        Map<String, String> tierConfig = Map.of("tollgate.tiers", "free,gold", "tollgate.tier.gold.limit", "20000");
        TierSettings tiers = TierSettingsReader.read(key -> Optional.ofNullable(tierConfig.get(key)), problems);
        config.put(ORDERS + "/tiered/RateLimit/algorithm", "SLIDING_WINDOW");
        assertThat(read("tiered", tiers)).isEmpty();
        assertThat(problems.messages()).singleElement().asString()
                .contains("#tiered(): a SLIDING_WINDOW keeps one entry per permit of its window, so its limit"
                        + " (tollgate.tier.gold.limit) must be <= 10000")
                .endsWith("was 20000");
    }

    @Test
    void leasingIsOffByDefaultAndReadFromTheAnnotation() {
        assertThat(read("create").get(0).leasing()).isFalse();
        assertThat(read("leasedWindow").get(0).leasing()).isTrue();
        assertThat(problems.messages()).isEmpty();
    }

    @Test
    void leasingIsOverriddenLikeEveryMember() {
        config.put("tollgate.ratelimit.leasing", "true");
        assertThat(read("bucket").get(0).leasing()).isTrue();
        config.put(ORDERS + "/RateLimit/leasing", "false");
        assertThat(read("bucket").get(0).leasing()).isFalse();
        config.put(ORDERS + "/bucket/RateLimit/leasing", "TRUE");
        assertThat(read("bucket").get(0).leasing()).isTrue();
        config.put(ORDERS + "/leasedWindow/RateLimit/leasing", "false");
        assertThat(read("leasedWindow").get(0).leasing()).isFalse();
        assertThat(problems.messages()).isEmpty();
    }

    @Test
    void leasingAnAlgorithmThatCannotBeLeasedFailsTheDeployment() {
        assertThat(read("leasedGcra")).isEmpty();
        assertThat(problems.messages()).containsExactly("Invalid @RateLimit.leasing on " + ORDERS
                + "#leasedGcra(): only FIXED_WINDOW and TOKEN_BUCKET permits can be leased, but the algorithm is GCRA,"
                + " was true");
    }

    @Test
    void leasingConfiguredForOneMethodOfAnotherAlgorithmFailsTheDeploymentNamingTheKey() {
        config.put(ORDERS + "/create/RateLimit/leasing", "true");
        assertThat(read("create")).isEmpty();
        assertThat(problems.messages()).containsExactly("Invalid @RateLimit.leasing on " + ORDERS
                + "#create(String, int): only FIXED_WINDOW and TOKEN_BUCKET permits can be leased, but the algorithm"
                + " is SLIDING_WINDOW, was true (from config " + ORDERS + "/create/RateLimit/leasing)");
    }

    @Test
    void globalLeasingLeasesWhatCanBeLeasedAndLeavesTheRest() {
        config.put("tollgate.ratelimit.leasing", "true");
        assertThat(read("create").get(0).leasing()).isFalse();
        assertThat(read("gcra").get(0).leasing()).isFalse();
        assertThat(read("search")).extracting(LimitSettings::leasing).containsExactly(true, true);
        assertThat(problems.messages()).isEmpty();
    }

    @Test
    void leasingThatIsNotABooleanIsReported() {
        config.put(ORDERS + "/leasedWindow/RateLimit/leasing", "yes");
        assertThat(read("leasedWindow")).isEmpty();
        assertThat(problems.messages()).singleElement().asString()
                .startsWith("Invalid @RateLimit.leasing on " + ORDERS + "#leasedWindow(): must be true or false,"
                        + " was 'yes'");
    }
}
