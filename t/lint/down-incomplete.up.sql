CREATE TABLE teams (id bigserial PRIMARY KEY, name text NOT NULL);
CREATE TABLE team_members (
    team_id bigint NOT NULL REFERENCES teams (id),
    user_id bigint NOT NULL REFERENCES users (id),
    PRIMARY KEY (team_id, user_id)
);
