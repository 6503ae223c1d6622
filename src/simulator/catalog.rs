//! The fake company the simulator logs for: its services, hosts, routes and vocabulary.

pub struct ServiceSpec {
    pub name: &'static str,
    pub hosts: &'static [&'static str],
}

pub const GATEWAY: ServiceSpec = ServiceSpec {
    name: "api-gateway",
    hosts: &["gw-1", "gw-2", "gw-3", "canary-gw-1"],
};
pub const AUTH: ServiceSpec = ServiceSpec {
    name: "auth",
    hosts: &["auth-1", "auth-2", "canary-auth-1"],
};
pub const USERS: ServiceSpec = ServiceSpec {
    name: "users",
    hosts: &["users-1", "users-2"],
};
pub const ORDERS: ServiceSpec = ServiceSpec {
    name: "orders",
    hosts: &["orders-1", "orders-2", "orders-3"],
};
pub const INVENTORY: ServiceSpec = ServiceSpec {
    name: "inventory",
    hosts: &["inventory-1", "inventory-2"],
};
pub const PAYMENTS: ServiceSpec = ServiceSpec {
    name: "payments",
    hosts: &["payments-1", "payments-2"],
};
pub const SEARCH: ServiceSpec = ServiceSpec {
    name: "search",
    hosts: &["search-1", "search-2"],
};
pub const CACHE: ServiceSpec = ServiceSpec {
    name: "cache",
    hosts: &["redis-1", "redis-2"],
};
pub const DB: ServiceSpec = ServiceSpec {
    name: "db",
    hosts: &["pg-primary", "pg-replica-1"],
};
pub const NOTIFICATIONS: ServiceSpec = ServiceSpec {
    name: "notifications",
    hosts: &["notify-1"],
};
pub const SCHEDULER: ServiceSpec = ServiceSpec {
    name: "scheduler",
    hosts: &["cron-1"],
};

/// Services an incident can hit, with how their failure shows.
pub const FRAGILE: &[&ServiceSpec] = &[&DB, &PAYMENTS, &AUTH, &CACHE, &SEARCH, &INVENTORY];

pub const SEARCH_TERMS: &[&str] = &[
    "shoes",
    "laptop",
    "coffee",
    "headphones",
    "desk",
    "lamp",
    "backpack",
    "jacket",
];
pub const SKUS: &[&str] = &[
    "SKU-1042", "SKU-2231", "SKU-3307", "SKU-4410", "SKU-5180", "SKU-6623",
];
pub const DECLINES: &[&str] = &[
    "insufficient_funds",
    "card_expired",
    "do_not_honor",
    "suspected_fraud",
];
pub const CURRENCIES: &[&str] = &["EUR", "USD", "GBP"];
pub const EMAIL_TEMPLATES: &[&str] = &[
    "order_confirmation",
    "password_reset",
    "shipping_update",
    "welcome",
];
pub const JOBS: &[&str] = &[
    "cleanup_sessions",
    "rebuild_search_index",
    "expire_carts",
    "send_digest",
];
pub const USER_AGENTS: &[&str] = &[
    "Mozilla/5.0",
    "okhttp/4.12",
    "curl/8.5.0",
    "Go-http-client/2.0",
];

/// The Java frames a timed-out repository call unwinds through.
pub const TIMEOUT_TRACE: &str = "java.sql.SQLTimeoutException: Query timed out after 5000 ms
\tat org.postgresql.jdbc.PgStatement.execute(PgStatement.java:421)
\tat com.zaxxer.hikari.pool.ProxyStatement.execute(ProxyStatement.java:94)
\tat com.shop.orders.OrderRepository.save(OrderRepository.java:88)
\tat com.shop.orders.OrderService.placeOrder(OrderService.java:142)
\tat com.shop.orders.api.OrderController.create(OrderController.java:57)";

pub const NPE_TRACE: &str = "java.lang.NullPointerException: Cannot invoke \"Address.getCountry()\" because \"address\" is null
\tat com.shop.users.ProfileMapper.toDto(ProfileMapper.java:33)
\tat com.shop.users.UserController.profile(UserController.java:71)
\tat jdk.internal.reflect.GeneratedMethodAccessor12.invoke(Unknown Source)";

pub const PY_TRACE: &str = "Traceback (most recent call last):
  File \"/app/search/handlers.py\", line 118, in query
    hits = index.search(term, timeout=2.0)
  File \"/app/search/index.py\", line 64, in search
    raise SearchTimeout(f\"shard {shard} did not answer in {timeout}s\")
search.index.SearchTimeout: shard 3 did not answer in 2.0s";
