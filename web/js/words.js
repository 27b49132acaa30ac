// An amount in words, as the payment page says it under the figures: 1250 cents is "twaalf Heitjes
// en vijftig cent" in Dutch and "twelve Heitjes and fifty cents" in English. Whole numbers up to
// 999 999 999 (a payment request is at most 100 000 euros). Dutch follows the Taalunie: one word
// up to a thousand, a space after "duizend" and "miljoen", a trema where two vowels would run
// together ("tweeëntwintig"), "één" where it could be read as the article.

const NL_ONES = ['nul', 'een', 'twee', 'drie', 'vier', 'vijf', 'zes', 'zeven', 'acht', 'negen', 'tien', 'elf', 'twaalf', 'dertien', 'veertien', 'vijftien', 'zestien', 'zeventien', 'achttien', 'negentien'];
const NL_TENS = ['', '', 'twintig', 'dertig', 'veertig', 'vijftig', 'zestig', 'zeventig', 'tachtig', 'negentig'];
const EN_ONES = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve', 'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen'];
const EN_TENS = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];

// 0..999 in Dutch, as one word ("honderdtweeëntwintig"); '' for 0.
function nlBelowThousand(n) {
  const hundreds = Math.floor(n / 100);
  const rest = n % 100;
  let out = hundreds ? `${hundreds > 1 ? NL_ONES[hundreds] : ''}honderd` : '';
  if (rest === 0) return out;
  if (rest < 20) return out + NL_ONES[rest];
  const ones = rest % 10;
  const tens = NL_TENS[Math.floor(rest / 10)];
  if (!ones) return out + tens;
  // "en" after a unit ending in e takes a trema: tweeëntwintig, drieëntwintig.
  const and = NL_ONES[ones].endsWith('e') ? 'ën' : 'en';
  out += `${NL_ONES[ones]}${and}${tens}`;
  return out;
}

// A whole number in Dutch words.
export function dutchNumber(n) {
  if (!Number.isInteger(n) || n < 0 || n > 999999999) throw new RangeError(`not a number this page says in words: ${n}`);
  if (n === 0) return 'nul';
  if (n === 1) return 'één';
  const millions = Math.floor(n / 1000000);
  const thousands = Math.floor((n % 1000000) / 1000);
  const rest = n % 1000;
  const parts = [];
  if (millions) parts.push(`${millions > 1 ? nlBelowThousand(millions) : 'een'} miljoen`);
  if (thousands) parts.push(`${thousands > 1 ? nlBelowThousand(thousands) : ''}duizend`);
  if (rest) parts.push(nlBelowThousand(rest));
  return parts.join(' ');
}

// 0..999 in English ("one hundred and twenty-two"); '' for 0.
function enBelowThousand(n) {
  const hundreds = Math.floor(n / 100);
  const rest = n % 100;
  const parts = [];
  if (hundreds) parts.push(`${EN_ONES[hundreds]} hundred`);
  if (rest) {
    const words = rest < 20 ? EN_ONES[rest] : EN_TENS[Math.floor(rest / 10)] + (rest % 10 ? `-${EN_ONES[rest % 10]}` : '');
    parts.push(hundreds ? `and ${words}` : words);
  }
  return parts.join(' ');
}

// A whole number in English words (British: "one hundred and five").
export function englishNumber(n) {
  if (!Number.isInteger(n) || n < 0 || n > 999999999) throw new RangeError(`not a number this page says in words: ${n}`);
  if (n === 0) return 'zero';
  const millions = Math.floor(n / 1000000);
  const thousands = Math.floor((n % 1000000) / 1000);
  const rest = n % 1000;
  const parts = [];
  if (millions) parts.push(`${enBelowThousand(millions)} million`);
  if (thousands) parts.push(`${enBelowThousand(thousands)} thousand`);
  // "two thousand and five": a rest below a hundred after a larger part takes "and".
  if (rest) parts.push(parts.length && rest < 100 ? `and ${enBelowThousand(rest)}` : enBelowThousand(rest));
  return parts.join(' ');
}

// Cents in words in `lang` ('nl' or 'en'): "twaalf Heitjes en vijftig cent", "één Heitje",
// "vijftig cent"; "twelve Heitjes and fifty cents", "one Heitje", "one cent".
export function amountInWords(cents, lang) {
  const value = Number(cents);
  if (!Number.isInteger(value) || value < 0) throw new RangeError(`not an amount in cents: ${cents}`);
  const whole = Math.floor(value / 100);
  const part = value % 100;
  if (lang === 'en') {
    const heitjes = `${englishNumber(whole)} ${whole === 1 ? 'Heitje' : 'Heitjes'}`;
    const centsText = `${englishNumber(part)} ${part === 1 ? 'cent' : 'cents'}`;
    if (!part) return heitjes;
    return whole ? `${heitjes} and ${centsText}` : centsText;
  }
  const heitjes = `${dutchNumber(whole)} ${whole === 1 ? 'Heitje' : 'Heitjes'}`;
  const centsText = `${dutchNumber(part)} cent`;
  if (!part) return heitjes;
  return whole ? `${heitjes} en ${centsText}` : centsText;
}
