// The NHS number's Modulus 11 check (NHS Data Dictionary): weights 10..2 on the first nine
// digits; 11 - (sum mod 11) is the check digit, 11 means 0 and 10 means the number is invalid.
export function isValidNhs(text) {
  const d = String(text || '').replace(/\s+/g, '');
  if (!/^\d{10}$/.test(d)) return false;
  let sum = 0;
  for (let i = 0; i < 9; i += 1) sum += Number(d[i]) * (10 - i);
  let check = 11 - (sum % 11);
  if (check === 11) check = 0;
  return check !== 10 && check === Number(d[9]);
}
