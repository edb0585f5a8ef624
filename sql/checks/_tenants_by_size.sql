-- The tenants ranked by their number of leads: size_rank 1 is the largest, ties go to the lower
-- id so the samples are the same on every run. Params queries name it {{tenants_by_size}}
-- (`WHERE size_rank <= 3 ORDER BY size_rank`): the largest tenants are where a plan goes wrong.
SELECT organization_id,
       row_number() OVER (ORDER BY count(*) DESC, organization_id) AS size_rank
FROM leads
GROUP BY organization_id
