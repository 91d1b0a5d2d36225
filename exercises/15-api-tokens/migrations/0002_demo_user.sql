-- Lesson 08's user, `user1` / `mypassword` (the Flask-Login tutorial's), so the lesson can be
-- tried before anyone registers. Simplified for teaching: a real app ships no users in its
-- migrations.
INSERT INTO users (username, email, password_hash) VALUES (
    'user1',
    'user1@example.com',
    '$argon2id$v=19$m=19456,t=2,p=1$YIxTCDkufcv4BfwLVtoHhQ$raeiY6P3z6I6T76E6eRKSqGuKU767bGJ6JTnsEeHAgs'
);
