package dev.tollgate.internal.redis;

import dev.tollgate.testing.RedisSentinelGroup;

import java.util.Optional;

/** {@link RedisSettings} as {@code tollgate.redis.config-file} gives them, for a {@link RedisSentinelGroup}. */
final class SentinelSettings {

    private SentinelSettings() {
    }

    /** The defaults of every {@code tollgate.redis.*} setting, with the group's copy of the shipped YAML. */
    static RedisSettings of(RedisSentinelGroup group) {
        return new RedisSettings(Optional.empty(), Optional.of(group.redissonConfig().toString()), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), RedisSettings.DEFAULT_TRUSTSTORE_TYPE, 0,
                RedisSettings.DEFAULT_COMMAND_TIMEOUT, RedisSettings.DEFAULT_CONNECT_TIMEOUT,
                RedisSettings.DEFAULT_RETRY_ATTEMPTS, RedisSettings.DEFAULT_RETRY_INTERVAL,
                RedisSettings.DEFAULT_KEY_PREFIX);
    }
}
