-- Each alert's posts, a row a post, so that a post's alerts are found by index (the capture
-- page asks for them on every capture). `alerts.item_ids` stays the alert's own ordered list.
CREATE TABLE alert_items (
    source_id TEXT NOT NULL,
    alert_id BIGINT NOT NULL REFERENCES alerts(id) ON DELETE CASCADE,
    PRIMARY KEY (source_id, alert_id)
);
INSERT INTO alert_items (source_id, alert_id)
    SELECT DISTINCT j.v, a.id FROM alerts a
    CROSS JOIN LATERAL jsonb_array_elements_text(a.item_ids::jsonb) AS j(v)
    ON CONFLICT DO NOTHING;
