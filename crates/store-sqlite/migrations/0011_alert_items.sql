-- Each alert's posts, a row a post, so that a post's alerts are found by index (the capture
-- page asks for them on every capture). `alerts.item_ids` stays the alert's own ordered list.
CREATE TABLE alert_items (
    source_id TEXT NOT NULL,
    alert_id INTEGER NOT NULL REFERENCES alerts(id) ON DELETE CASCADE,
    PRIMARY KEY (source_id, alert_id)
) WITHOUT ROWID;
INSERT OR IGNORE INTO alert_items (source_id, alert_id)
    SELECT j.value, a.id FROM alerts a, json_each(a.item_ids) j;
