-- One new lead with a tag, assigned to a random user, in that user's tenant.
\set user random(1, 10120)
\set score random(0, 100)
INSERT INTO leads (organization_id, assigned_to_id, email, first_name, last_name, score, status, source, lead_temperature, value, tags)
SELECT organization_id, id, 'bench@example.com', 'Bench', 'Lead', :score, 'NEW', 'WEBSITE', 'warm', 1000, '["webinar"]'
FROM users WHERE id = :user;
