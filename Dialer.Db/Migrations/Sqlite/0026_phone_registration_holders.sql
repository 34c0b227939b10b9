-- Which Worker holds each registered agent phone (SQLite): the Worker whose registrar took its REGISTER. With several
-- Workers, another Worker starting must not clear a binding a live Worker still holds (a TCP phone's connection is
-- held there), and a Worker whose campaign needs the phone of an agent registered elsewhere calls it at the UDP
-- address recorded beside it. One row per registered phone; removed when it unregisters.
-- Re-runnable: every statement checks for existence first.

CREATE TABLE IF NOT EXISTS phone_registration_holders (
    sip_username  TEXT    PRIMARY KEY,
    worker_id     TEXT    NOT NULL,     -- Dialing:WorkerId of the Worker that took the REGISTER
    updated_at    INTEGER NOT NULL
);
