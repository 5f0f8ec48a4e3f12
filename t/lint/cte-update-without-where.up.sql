WITH rates AS (SELECT currency, rate FROM fx_rates WHERE day = current_date)
UPDATE prices SET amount_eur = amount * rates.rate FROM rates;
