-- A queued draft drawn for several reviews (RoutingPolicy::multi_review) waits for this
-- many reviewers, each giving a review on their own; 1 for every other item.
ALTER TABLE review_items ADD COLUMN reviews_wanted INTEGER NOT NULL DEFAULT 1;
