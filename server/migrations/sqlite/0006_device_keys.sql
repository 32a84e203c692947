-- The key the server holds for an officer on a device: the phone wraps its data key with it as
-- well as with the PIN, so a forgotten PIN loses nothing after a password sign-in. Made at the
-- first successful sign-in from the device and never changed. `key` is 32 random bytes in
-- URL-safe base64 without padding; `created_at` epoch milliseconds.
CREATE TABLE device_keys (
    officer_id TEXT NOT NULL REFERENCES officers (id),
    device_id TEXT NOT NULL,
    key TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (officer_id, device_id)
);

-- How long the phone may stay idle before it locks itself; 10 minutes unless the admin changes it.
INSERT INTO settings (key, value) VALUES ('lock_after_minutes', '10') ON CONFLICT (key) DO NOTHING;
