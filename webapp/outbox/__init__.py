"""The transactional outbox: hooks that write a row with every change, the relay that delivers them."""
