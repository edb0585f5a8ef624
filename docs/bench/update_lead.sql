-- A random lead changes status and score (the pipeline moves).
\set id random(1, 1000000)
\set score random(0, 100)
UPDATE leads SET status = (enum_range(NULL::lead_status_enum))[1 + :score % 7], score = :score, updated_at = now()
WHERE id = :id;
