"""Peewee models: the description of the store's tables.

The schema itself is created by the numbered SQL files in `migrations/`; a test checks that
these models and the migrated tables agree, so either side drifting fails the suite. The models
are bound to no database: queries are SQL text in the other `perftui.store` modules (see the
package docstring for why)."""

from __future__ import annotations

import json

from peewee import (AutoField, BlobField, BooleanField, CompositeKey, FloatField, ForeignKeyField,
                    IntegerField, Model, TextField)


class JSONField(TextField):
    def db_value(self, value):
        if value is None or isinstance(value, str):
            return value
        return json.dumps(value, separators=(",", ":"), sort_keys=True)

    def python_value(self, value):
        if value is None:
            return None
        try:
            return json.loads(value)
        except (TypeError, ValueError):
            return None


class BaseModel(Model):
    class Meta:
        legacy_table_names = False


class Metric(BaseModel):
    id = AutoField()
    code = TextField(unique=True)
    key = TextField(null=True, unique=True)
    name = TextField()
    unit = TextField(default="")
    direction = TextField(default="lower")
    target = FloatField(null=True)
    warning = FloatField(null=True)
    error = FloatField(null=True)
    description = TextField(default="")
    source = TextField(default="")
    active = BooleanField(default=True)
    operation = TextField(null=True)
    updated_at = TextField()
    updated_by = TextField(null=True)

    class Meta:
        table_name = "metrics"


class Snapshot(BaseModel):
    id = AutoField()
    recorded_at = TextField()
    app = TextField(default="default")
    environment = TextField(default="local")
    host = TextField(null=True)
    session_id = TextField(null=True)
    git_commit = TextField(null=True)
    git_branch = TextField(null=True)
    app_version = TextField(null=True)
    python_version = TextField(null=True)
    platform = TextField(null=True)
    cpu_count = IntegerField(null=True)
    total_memory_mb = IntegerField(null=True)
    is_cold_start = BooleanField(default=False)
    status = TextField(default="ok")
    performance_index = FloatField(null=True)
    regression_score = FloatField(null=True)
    flags = JSONField(null=True)
    operations = JSONField(null=True)
    cache_stats = JSONField(null=True)
    errors = JSONField(null=True)
    notes = TextField(null=True)
    uid = TextField(null=True, unique=True)   # stable identity across stores (migration 0005)

    class Meta:
        table_name = "snapshots"


class Measurement(BaseModel):
    metric = ForeignKeyField(Metric, column_name="metric_id", on_delete="CASCADE")
    snapshot = ForeignKeyField(Snapshot, column_name="snapshot_id", on_delete="CASCADE")
    value = FloatField()
    # the verdict the snapshot was judged with when it was written (migration 0004)
    severity = TextField(null=True)
    tier = TextField(null=True)
    expected = FloatField(null=True)
    deviation = FloatField(null=True)
    baseline_runs = IntegerField(null=True)

    class Meta:
        table_name = "measurements"
        primary_key = CompositeKey("metric", "snapshot")
        without_rowid = True


class Alert(BaseModel):
    id = AutoField()
    snapshot = ForeignKeyField(Snapshot, column_name="snapshot_id", null=True, on_delete="SET NULL")
    baseline_snapshot = ForeignKeyField(Snapshot, column_name="baseline_snapshot_id", null=True,
                                        on_delete="SET NULL", backref="baseline_alerts")
    metric = ForeignKeyField(Metric, column_name="metric_id", on_delete="CASCADE")
    app = TextField()
    environment = TextField()
    alert_type = TextField()
    severity = TextField()
    current_value = FloatField()
    expected_value = FloatField(null=True)
    deviation_percent = FloatField(null=True)
    message = TextField(default="")
    triggered_at = TextField()
    last_seen_at = TextField()
    occurrences = IntegerField(default=1)
    normal_streak = IntegerField(default=0)
    status = TextField(default="open")
    acknowledged_by = TextField(null=True)
    acknowledged_at = TextField(null=True)
    resolution_notes = TextField(null=True)
    resolved_at = TextField(null=True)
    context = JSONField(null=True)

    class Meta:
        table_name = "alerts"


class DailyAggregate(BaseModel):
    day = TextField()
    app = TextField()
    environment = TextField()
    metric = ForeignKeyField(Metric, column_name="metric_id", on_delete="CASCADE")
    count = IntegerField()
    mean = FloatField()
    median = FloatField()
    min = FloatField()
    max = FloatField()
    p95 = FloatField()

    class Meta:
        table_name = "daily_aggregates"
        primary_key = CompositeKey("day", "app", "environment", "metric")
        without_rowid = True


class TargetChange(BaseModel):
    id = AutoField()
    metric = ForeignKeyField(Metric, column_name="metric_id", on_delete="CASCADE")
    field = TextField()
    old_value = TextField(null=True)
    new_value = TextField(null=True)
    changed_by = TextField(null=True)
    changed_at = TextField()
    reason = TextField(null=True)

    class Meta:
        table_name = "target_changes"


class SchemaMigration(BaseModel):
    version = IntegerField(primary_key=True)
    name = TextField()
    applied_at = TextField()

    class Meta:
        table_name = "schema_migrations"


class StoreMeta(BaseModel):
    key = TextField(primary_key=True)
    value = TextField(null=True)

    class Meta:
        table_name = "store_meta"
        without_rowid = True


class BaselineReset(BaseModel):
    id = AutoField()
    metric = ForeignKeyField(Metric, column_name="metric_id", on_delete="CASCADE")
    app = TextField()
    environment = TextField()
    since = TextField()
    created_by = TextField(null=True)
    created_at = TextField()
    notes = TextField(null=True)

    class Meta:
        table_name = "baseline_resets"


class HourlyRollup(BaseModel):
    """One hour of one metric in one scope, kept by `perftui.store.rollups`."""
    hour = TextField()
    app = TextField()
    environment = TextField()
    metric = ForeignKeyField(Metric, column_name="metric_id", on_delete="CASCADE")
    runs = IntegerField()
    warm_count = IntegerField()
    warm_sum = FloatField(null=True)
    warm_min = FloatField(null=True)
    warm_max = FloatField(null=True)
    warm_last = FloatField(null=True)
    cold_count = IntegerField()
    cold_min = FloatField(null=True)
    cold_max = FloatField(null=True)
    first_at = TextField()
    last_at = TextField()
    sketch = TextField(null=True)

    class Meta:
        table_name = "hourly_rollups"
        primary_key = CompositeKey("app", "environment", "hour", "metric")
        indexes = ((("metric", "app", "environment", "hour"), False),)
        without_rowid = True


class HourlyRuns(BaseModel):
    """One hour of one scope's runs, kept by `perftui.store.rollups`."""
    hour = TextField()
    app = TextField()
    environment = TextField()
    runs = IntegerField()
    cold_starts = IntegerField()
    failed = IntegerField()
    first_at = TextField()
    last_at = TextField()
    index_sum = FloatField(null=True)
    index_count = IntegerField()
    warm_index_sum = FloatField(null=True)
    warm_index_count = IntegerField()
    commits = TextField(null=True)

    class Meta:
        table_name = "hourly_runs"
        primary_key = CompositeKey("app", "environment", "hour")
        without_rowid = True


class NotifyChannel(BaseModel):
    """Where alerts are announced (migration 0007); kept by `perftui.store.notify`."""
    id = AutoField()
    kind = TextField()
    target = TextField()               # a webhook URL is a secret: masked wherever shown
    min_severity = TextField(default="error")
    repeat_hours = FloatField(default=24)
    max_per_hour = IntegerField(default=12)
    since_alert_id = IntegerField(default=0)
    created_at = TextField()
    created_by = TextField(null=True)
    window_start = TextField(null=True)
    window_count = IntegerField(default=0)
    last_sent_at = TextField(null=True)
    failures = IntegerField(default=0)
    last_error = TextField(null=True)
    last_error_at = TextField(null=True)
    claimed_until = TextField(null=True)

    class Meta:
        table_name = "notify"
        indexes = ((("kind", "target"), True),)


class NotifyDelivery(BaseModel):
    """What a channel last delivered about an alert, and failed attempts since (migration 0007)."""
    channel = ForeignKeyField(NotifyChannel, column_name="channel_id", on_delete="CASCADE")
    alert = ForeignKeyField(Alert, column_name="alert_id", on_delete="CASCADE")
    severity = TextField(null=True)
    state = TextField(null=True)
    notified_at = TextField(null=True)
    attempts = IntegerField(default=0)
    last_error = TextField(null=True)
    last_attempt_at = TextField(null=True)

    class Meta:
        table_name = "notify_deliveries"
        primary_key = CompositeKey("channel", "alert")


class Profile(BaseModel):
    """A profile of one operation's call (migration 0008), taken for a regression alert or as a
    baseline; kept by `perftui.store.profiles`, whose docstring gives the format of `data`."""
    id = AutoField()
    metric = ForeignKeyField(Metric, column_name="metric_id", on_delete="CASCADE")
    app = TextField()
    environment = TextField()
    operation = TextField()
    kind = TextField()                 # 'regression' or 'baseline'
    alert = ForeignKeyField(Alert, column_name="alert_id", null=True, on_delete="CASCADE")
    snapshot_id = IntegerField(null=True)
    captured_at = TextField()
    duration_ms = FloatField()
    functions = IntegerField()
    raw_bytes = IntegerField()
    data = BlobField()                 # zlib-compressed JSON

    class Meta:
        table_name = "profiles"
        indexes = ((("alert",), False),
                   (("app", "environment", "metric", "kind", "captured_at"), False))


ALL_MODELS = (Metric, Snapshot, Measurement, Alert, DailyAggregate, TargetChange,
              SchemaMigration, StoreMeta, BaselineReset, HourlyRollup, HourlyRuns,
              NotifyChannel, NotifyDelivery, Profile)
