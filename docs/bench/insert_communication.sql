-- A logged e-mail on a random lead, by its assignee.
\set id random(1, 1000000)
INSERT INTO communications (organization_id, lead_id, user_id, communication_type, direction, subject)
SELECT organization_id, id, assigned_to_id, 'email', 'outbound', 'bench' FROM leads WHERE id = :id;
