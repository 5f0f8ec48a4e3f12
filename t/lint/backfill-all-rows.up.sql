UPDATE users SET display_name = name;
