// Texts, Dutch first and English second, and the formats of money, dates and durations.
// The language is kept in localStorage ('wesh.lang') and sent to the API as Accept-Language, so
// its error messages (RFC 9457 `detail`) come in the same language.

const KEY = 'wesh.lang';

const T = {
  app_name: ["WESH — 't Heerlens Heitje", "WESH — 't Heerlens Heitje"],
  skip: ['Naar de inhoud', 'Skip to content'],
  switch_lang: ['English', 'Nederlands'],
  switch_lang_label: ['Switch to English', 'Schakel naar Nederlands'],
  nav_label: ['Hoofdmenu', 'Main menu'],
  nav_citizen: ['Klussen', 'Tasks'],
  nav_merchant: ['Winkel', 'Shop'],
  nav_city: ['Gemeente', 'City'],
  loading: ['Laden…', 'Loading…'],
  footer: [
    "1 Heitje = 1 euro. Verdien Heitjes met klussen in je buurt en besteed ze bij winkels in Heerlen.",
    'One Heitje is one euro. Earn Heitjes with tasks in your neighbourhood and spend them at shops in Heerlen.',
  ],
  not_found_title: ['Deze pagina bestaat niet', 'This page does not exist'],
  not_found_text: ['Kies hieronder waar je heen wilt.', 'Choose where you want to go below.'],
  // home
  home_title: ["'t Heerlens Heitje", "'t Heerlens Heitje"],
  home_intro: [
    'De gemeente Heerlen betaalt inwoners in Heitjes voor kleine klussen in de buurt. Je besteedt ze bij winkels, cafés en cultuur in de stad.',
    'The municipality of Heerlen pays residents in Heitjes for small tasks in their neighbourhood. You spend them at shops, cafés and cultural venues in town.',
  ],
  home_citizen: ['Ik ben inwoner', "I'm a resident"],
  home_citizen_text: ['Vind een klus, verdien Heitjes, betaal ermee.', 'Find a task, earn Heitjes, pay with them.'],
  home_merchant: ['Ik heb een winkel', 'I run a shop'],
  home_merchant_text: ['Ontvang Heitjes met een QR-code en wissel ze in voor euro’s.', 'Receive Heitjes with a QR code and cash them in for euros.'],
  home_city: ['Ik werk bij de gemeente', 'I work for the city'],
  home_city_text: ['Zet klussen uit, beoordeel werk, bekijk budget en cijfers.', 'Commission tasks, review work, watch budget and figures.'],
  // account and wallet
  signin_title: ['Aanmelden', 'Sign in'],
  signin_why_citizen: [
    'Doe mee om klussen aan te nemen en met je Heitjes te betalen. Meedoen kost niets.',
    'Join to take on tasks and to pay with your Heitjes. Joining costs nothing.',
  ],
  signin_with: ['Aanmelden met {name}', 'Sign in with {name}'],
  signin_busy: ['Bevestig het aanmelden in je wallet…', 'Confirm signing in in your wallet…'],
  signin_done: ['Je bent aangemeld.', 'You are signed in.'],
  signout: ['Afmelden', 'Sign out'],
  signed_in_as: ['Aangemeld als', 'Signed in as'],
  account_label: ['Je account', 'Your account'],
  wallet_browser: ['de app in deze browser', 'the app in this browser'],
  own_app: ['Ik heb al een eigen app voor Heitjes', 'I already have an app of my own for Heitjes'],
  own_app_hint: ['Kies je app:', 'Choose your app:'],
  no_wallet_title: ['Geen wallet gevonden', 'No wallet found'],
  no_wallet_text: [
    'Om mee te doen heb je een wallet-app nodig: daarin staan je Heitjes. Open deze pagina in de browser van je wallet-app, of installeer een wallet (bijvoorbeeld MetaMask of Rabby) en laad de pagina opnieuw. De gemeente helpt je graag op het wijkspreekuur.',
    'To take part you need a wallet app: it holds your Heitjes. Open this page in the browser of your wallet app, or install a wallet (for example MetaMask or Rabby) and reload the page. The municipality is happy to help at the neighbourhood office hours.',
  ],
  no_wallet_list: [
    'Zonder wallet kun je wel alle klussen bekijken.',
    'Without a wallet you can still look at all tasks.',
  ],
  choose_wallet: ['Kies je wallet', 'Choose your wallet'],
  phone_join: ['Doe mee met deze telefoon', 'Join with this phone'],
  phone_signin: ['Aanmelden met deze telefoon', 'Sign in with this phone'],
  phone_account: ['deze telefoon', 'this phone'],
  phone_join_busy: ['Je account wordt gemaakt en je wordt aangemeld…', 'Making your account and signing you in…'],
  phone_signin_busy: ['Je wordt aangemeld…', 'Signing you in…'],
  phone_relay_unavailable: [
    'De gemeente kan dit nu niet voor je versturen. Er is niets veranderd. Probeer het later opnieuw.',
    'The municipality cannot send this for you right now. Nothing has changed. Try again later.',
  ],
  phone_lock: [
    'Je account staat alleen op deze telefoon en is beveiligd met de schermvergrendeling van je telefoon.',
    'Your account is kept only on this phone and is protected by your phone’s screen lock.',
  ],
  phone_lock_new: [
    'Je account komt alleen op deze telefoon. Als je telefoon het kan, wordt het beveiligd met de schermvergrendeling van je telefoon (vingerafdruk, gezicht of pincode).',
    'Your account is kept only on this phone. Where your phone can, it is protected by your phone’s screen lock (fingerprint, face or PIN).',
  ],
  phone_storage: [
    'Je account staat alleen in deze browser: wie deze telefoon ontgrendeld in handen heeft, kan met je Heitjes betalen.',
    'Your account is kept only in this browser: whoever holds this phone unlocked can pay with your Heitjes.',
  ],
  demo_title: ['Demo: speel een rol', 'Demo: play a part'],
  demo_more_residents: ['Meer inwoners ({n})', 'More residents ({n})'],
  demo_text: [
    'Dit is een proefomgeving (geen echt geld). Kies een account: de demo ondertekent voor je.',
    'This is a test environment (no real money). Pick an account: the demo signs for you.',
  ],
  demo_citizen: ['Inwoner {id}', 'Resident {id}'],
  demo_merchant: ['Winkel: {name}', 'Shop: {name}'],
  demo_city: ['Gemeente: {roles}', 'City: {roles}'],
  demo_none: ['Geen rol (niet geregistreerd)', 'No role (not registered)'],
  wrong_network: [
    'Je wallet staat op een ander netwerk ({current}). WESH werkt op {wanted}.',
    'Your wallet is on another network ({current}). WESH runs on {wanted}.',
  ],
  switch_network: ['Wissel naar {wanted}', 'Switch to {wanted}'],
  network_switched: ['Je wallet staat nu op het goede netwerk.', 'Your wallet is now on the right network.'],
  wallet_not_connected: [
    'Je bent niet meer verbonden. Meld je opnieuw aan.',
    'You are no longer connected. Please sign in again.',
  ],
  wallet_other_account: [
    'Je app gebruikt een ander account dan waarmee je bent aangemeld. Meld je opnieuw aan.',
    'Your app uses another account than the one you signed in with. Please sign in again.',
  ],
  wallet_rejected: [
    'Je hebt het geannuleerd. Er is niets veranderd.',
    'You cancelled it. Nothing has changed.',
  ],
  wallet_pending: [
    'Je app wacht al op een bevestiging. Open je app.',
    'Your app is already waiting for a confirmation. Open your app.',
  ],
  wallet_no_funds: [
    'Je app heeft niet genoeg tegoed om dit zelf te versturen, dus er is niets verstuurd en niets veranderd. Probeer het later opnieuw, of vraag de gemeente om hulp.',
    'Your app does not hold enough to send this itself, so nothing was sent and nothing has changed. Try again later, or ask the municipality for help.',
  ],
  wallet_error: [
    'Je app kon dit niet doen. Probeer het opnieuw of start je app opnieuw.',
    'Your app could not do this. Try again or restart your app.',
  ],
  watch_asset: ['Heitje toevoegen aan je app', 'Add the Heitje to your app'],
  watch_asset_done: ['Het Heitje staat nu in je app.', 'The Heitje is now in your app.'],
  role_citizen: ['inwoner', 'resident'],
  role_merchant: ['winkel', 'shop'],
  role_city: ['gemeente', 'city'],
  'role_task manager': ['klusbeheerder', 'task manager'],
  role_reviewer: ['beoordelaar', 'reviewer'],
  role_treasurer: ['penningmeester', 'treasurer'],
  role_registrar: ['registrator', 'registrar'],
  'role_merchant manager': ['winkelbeheerder', 'merchant manager'],
  role_association: ['buurtvereniging', 'neighbourhood association'],
  role_admin: ['beheerder', 'admin'],
  roles_none: ['geen rol', 'no role'],
  // transactions
  tx_confirm: ['Bevestig in je app: {what}', 'Confirm in your app: {what}'],
  tx_sent: ['Verstuurd. Even wachten tot het verwerkt is…', 'Sent. Waiting until it is processed…'],
  tx_indexing: ['Bijna klaar: het overzicht wordt bijgewerkt…', 'Almost done: updating the overview…'],
  tx_failed: [
    'Het is niet gelukt: het werd geweigerd. Er is niets veranderd. Probeer het opnieuw.',
    'It did not work: it was refused. Nothing has changed. Please try again.',
  ],
  tx_slow: [
    'Het is verwerkt, maar het overzicht loopt achter. Ververs de pagina over een minuut.',
    'It went through, but the overview is behind. Refresh the page in a minute.',
  ],
  tx_timeout: [
    'Het is nog niet verwerkt. Kijk over een paar minuten opnieuw.',
    'It has not been processed yet. Check again in a few minutes.',
  ],
  // relayed: the person signs, the city sends it and pays for it (never a fee on these lines)
  relay_confirm: ['Bevestig in je app: {what}', 'Confirm in your app: {what}'],
  relay_signing_phone: ['Even geduld: {what}', 'One moment: {what}'],
  relay_accepted: ['Ontvangen. Het wordt zo verstuurd…', 'Received. It will be sent in a moment…'],
  relay_sent: ['Verstuurd. Even wachten tot het verwerkt is…', 'Sent. Waiting until it is processed…'],
  relay_done: ['Verwerkt. Het overzicht wordt bijgewerkt…', 'Processed. Updating the overview…'],
  relay_refused: [
    'Het kon niet worden verstuurd. Er is niets veranderd. Probeer het later opnieuw.',
    'It could not be sent. Nothing has changed. Please try again later.',
  ],
  relay_failed: [
    'Het is niet gelukt: het werd geweigerd. Er is niets veranderd. Probeer het opnieuw.',
    'It did not work: it was refused. Nothing has changed. Please try again.',
  ],
  relay_timeout: [
    'Het is nog niet verwerkt. Kijk over een paar minuten opnieuw.',
    'It has not been processed yet. Check again in a few minutes.',
  ],
  relay_unreachable: [
    'De gemeente kan dit nu niet voor je versturen. Er is niets veranderd.',
    'The municipality cannot send this for you right now. Nothing has changed.',
  ],
  relay_direct: ['Zelf versturen met je eigen app (dat kost je een klein bedrag)', 'Send it yourself with your own app (that costs you a small amount)'],
  relay_direct_hint: [
    'Heeft je eigen app zelf tegoed om dit te versturen? Dan kun je het nu zelf doen. Anders: probeer het later opnieuw.',
    'Does your own app hold enough to send this itself? Then you can do it now. Otherwise: try again later.',
  ],
  offline: [
    'Geen verbinding met WESH. Controleer je internet en probeer het opnieuw.',
    'No connection to WESH. Check your internet and try again.',
  ],
  error_generic: [
    'Er ging iets mis. Probeer het over een minuut opnieuw.',
    'Something went wrong. Please try again in a minute.',
  ],
  // citizen
  citizen_title: ['Klussen in Heerlen', 'Tasks in Heerlen'],
  citizen_intro: [
    'Doe een klus in je buurt en verdien Heitjes. 1 Heitje = 1 euro, te besteden bij winkels in Heerlen.',
    'Do a task in your neighbourhood and earn Heitjes. 1 Heitje = 1 euro, to spend at shops in Heerlen.',
  ],
  my_heitjes: ['Mijn Heitjes', 'My Heitjes'],
  balance: ['Saldo', 'Balance'],
  balance_pending: ['{amount} onderweg', '{amount} on its way'],
  cap_label: ['Verdiend in {year}', 'Earned in {year}'],
  cap_text: [
    '{earned} van {cap} verdiend in {year}. Je kunt dit jaar nog {left} verdienen.',
    '{earned} of {cap} earned in {year}. You can still earn {left} this year.',
  ],
  cap_reserved: ['{amount} is gereserveerd voor klussen die je hebt aangenomen.', '{amount} is reserved for tasks you have taken on.'],
  cap_full: ['Je jaarlimiet is bereikt.', 'You have reached your yearly limit.'],
  not_citizen: [
    'Je bent nog niet aangemeld als inwoner. Laat je aanmelden bij de gemeente om mee te doen.',
    'You are not registered as a resident yet. Ask the municipality to register you to take part.',
  ],
  // waiting for the desk (citizen.js, joincode.js)
  join_wait_title: ['Nog één stap: laat je aanmelden', 'One more step: get registered'],
  join_wait_intro: [
    'Laat deze code zien bij de balie van het stadhuis of bij je buurtvereniging.',
    'Show this code at the desk in the town hall or at your neighbourhood association.',
  ],
  join_qr_alt: ['QR-code om te laten zien bij de balie', 'QR code to show at the desk'],
  join_done: [
    'Je bent aangemeld, in {hood}. Hieronder staan de klussen in jouw wijk bovenaan.',
    'You are registered, in {hood}. The tasks in your neighbourhood are listed first below.',
  ],
  tasks_home_first: ['Klussen in {hood} staan bovenaan.', 'Tasks in {hood} are listed first.'],
  my_tasks: ['Mijn klussen', 'My tasks'],
  my_tasks_none: ['Je hebt nog geen klussen aangenomen.', 'You have not taken on any tasks yet.'],
  history: ['Geschiedenis', 'History'],
  history_none: ['Nog geen Heitjes ontvangen of uitgegeven.', 'No Heitjes received or spent yet.'],
  open_tasks: ['Open klussen', 'Open tasks'],
  view_list: ['Lijst', 'List'],
  view_map: ['Kaart', 'Map'],
  view_label: ['Weergave', 'View'],
  filter_hood: ['Wijk', 'Neighbourhood'],
  all_hoods: ['Alle wijken', 'All neighbourhoods'],
  tasks_none: ['Er zijn nu geen open klussen. Kijk later nog eens.', 'There are no open tasks right now. Check again later.'],
  tasks_count: ['{n} klussen', '{n} tasks'],
  places_left: ['nog {open} van {slots} plekken', '{open} of {slots} places left'],
  claim_until: ['aannemen tot {date}', 'take on until {date}'],
  time_to_do: ['{duration} de tijd', '{duration} to do it'],
  reward: ['Beloning', 'Reward'],
  map_loading: ['Kaart laden…', 'Loading map…'],
  map_no_tiles: [
    'De kaartachtergrond is niet beschikbaar. De klussen staan wel op de kaart en in de lijst.',
    'The map background is not available. The tasks are still on the map and in the list.',
  ],
  map_failed: ['De kaart kon niet laden. Gebruik de lijst.', 'The map could not load. Use the list.'],
  map_label: ['Kaart met klussen in Heerlen', 'Map of tasks in Heerlen'],
  map_open_task: ['Bekijk klus', 'View task'],
  back_to_tasks: ['Terug naar de klussen', 'Back to the tasks'],
  task_where: ['Waar', 'Where'],
  task_places: ['Plekken', 'Places'],
  task_deadline: ['Aannemen tot', 'Take on until'],
  task_duration: ['Tijd om het te doen', 'Time to do it'],
  task_not_found: ['Deze klus bestaat niet (meer).', 'This task does not exist (any more).'],
  claim: ['Klus aannemen', 'Take on this task'],
  claim_done: ['Je hebt de klus aangenomen. Succes!', 'You have taken on the task. Good luck!'],
  claim_signin: ['Meld je aan om deze klus aan te nemen.', 'Sign in to take on this task.'],
  abandon: ['Klus teruggeven', 'Give the task back'],
  abandon_done: ['Je hebt de klus teruggegeven.', 'You gave the task back.'],
  // a claim, keyed by the status names of /config (claim_statuses)
  status_claimed: ['Aangenomen: lever je foto’s in vóór {date}.', 'Taken on: hand in your photos before {date}.'],
  status_submitted: ['Ingeleverd. Een beoordelaar van de gemeente kijkt ernaar.', 'Handed in. A reviewer of the municipality is looking at it.'],
  status_rejected: ['Afgekeurd. Reden: {reason}', 'Rejected. Reason: {reason}'],
  status_rejected_next: [
    'Je kunt het werk verbeteren en opnieuw inleveren vóór {date}, of bezwaar maken.',
    'You can improve the work and hand it in again before {date}, or appeal.',
  ],
  status_rejected_final: [
    'Dit werk is {n} keer afgekeurd en kan niet opnieuw worden ingeleverd. Je kunt nog bezwaar maken vóór {date}; een andere beoordelaar kijkt dan.',
    'This work was rejected {n} times and cannot be handed in again. You can still appeal before {date}; another reviewer will then look at it.',
  ],
  status_rejected_final_appealed: [
    'Dit werk is {n} keer afgekeurd en kan niet opnieuw worden ingeleverd.',
    'This work was rejected {n} times and cannot be handed in again.',
  ],
  status_appealed: ['Bezwaar ingediend. Een andere beoordelaar kijkt ernaar.', 'Appeal filed. Another reviewer is looking at it.'],
  status_paid: ['Goedgekeurd en betaald: {amount}.', 'Approved and paid: {amount}.'],
  status_expired: ['Verlopen: de tijd voor deze klus was om.', 'Expired: the time for this task ran out.'],
  status_abandoned: ['Teruggegeven.', 'Given back.'],
  status_denied: ['Bezwaar afgewezen. Reden: {reason}', 'Appeal denied. Reason: {reason}'],
  status_short_claimed: ['aangenomen', 'taken on'],
  status_short_submitted: ['ingeleverd', 'handed in'],
  status_short_rejected: ['afgekeurd', 'rejected'],
  status_short_appealed: ['bezwaar loopt', 'appeal pending'],
  status_short_paid: ['betaald', 'paid'],
  status_short_expired: ['verlopen', 'expired'],
  status_short_abandoned: ['teruggegeven', 'given back'],
  status_short_denied: ['afgewezen', 'denied'],
  evidence_title: ['Foto’s inleveren', 'Hand in photos'],
  evidence_intro: [
    'Maak een foto vóór en een foto na het werk, op de plek van de klus. Zet geen mensen in beeld.',
    'Take a photo before and a photo after the work, at the task’s location. Keep people out of the picture.',
  ],
  photo_before: ['Foto vóór het werk', 'Photo before the work'],
  photo_after: ['Foto na het werk', 'Photo after the work'],
  photo_hint: ['Maak een foto met je camera of kies er een.', 'Take a photo with your camera or choose one.'],
  photo_missing: ['Kies eerst beide foto’s.', 'Please choose both photos first.'],
  note: ['Opmerking (mag leeg blijven)', 'Note (optional)'],
  evidence_submit: ['Foto’s inleveren', 'Hand in photos'],
  evidence_uploading: ['Foto’s uploaden…', 'Uploading photos…'],
  evidence_done: ['Ingeleverd! Je hoort het als de gemeente het heeft bekeken.', 'Handed in! You will see when the municipality has looked at it.'],
  appeal: ['Bezwaar maken', 'Appeal'],
  appeal_done: ['Je bezwaar is ingediend.', 'Your appeal has been filed.'],
  kind_mint: ['Beloning voor een klus', 'Reward for a task'],
  kind_mint_task: ['Beloning voor: {task}', 'Reward for: {task}'],
  kind_payment_out: ['Betaald bij {who}', 'Paid at {who}'],
  kind_payment_in: ['Ontvangen van {who}', 'Received from {who}'],
  kind_refund_in: ['Terugbetaald door {who}', 'Refunded by {who}'],
  kind_refund_out: ['Terugbetaald aan {who}', 'Refunded to {who}'],
  kind_burn: ['Ingewisseld voor euro’s', 'Cashed in for euros'],
  kind_move_in: ['Overgezet van je oude telefoon', 'Moved from your old phone'],
  kind_move_out: ['Overgezet naar je nieuwe telefoon', 'Moved to your new phone'],
  a_shop: ['een winkel', 'a shop'],
  a_resident: ['een inwoner', 'a resident'],
  resident_from: ['inwoner uit {hood}', 'resident from {hood}'],
  resident_number: ['Inwoner {id}', 'Resident {id}'],
  resident_number_from: ['inwoner {id} uit {hood}', 'resident {id} from {hood}'],
  your_account: ['Je account', 'Your account'],
  shop_number: ['Winkel {id}', 'Shop {id}'],
  // paying
  pay_title: ['Betalen bij {shop}', 'Pay at {shop}'],
  pay_amount: ['Te betalen', 'To pay'],
  pay_button: ['Betaal {amount}', 'Pay {amount}'],
  pay_done: ['Betaald! Laat dit scherm zien aan de winkel.', 'Paid! Show this screen to the shop.'],
  paid_badge: ['Betaald', 'Paid'],
  pay_already: ['Dit betaalverzoek is al betaald.', 'This payment request has already been paid.'],
  pay_partly: ['{received} van {amount} is al betaald; nog {remaining} te betalen.', '{received} of {amount} has been paid already; {remaining} still to pay.'],
  pay_low: ['Je saldo ({balance}) is te laag voor dit bedrag.', 'Your balance ({balance}) is too low for this amount.'],
  your_balance: ['Je saldo: {amount}', 'Your balance: {amount}'],
  pay_signin: ['Meld je aan om te betalen.', 'Sign in to pay.'],
  pay_expires: ['Geldig tot {time}', 'Valid until {time}'],
  pay_in_words: ['In woorden: {words}', 'In words: {words}'],
  pay_code: ['Betaalcode {code}', 'Payment code {code}'],
  pay_balance_after: ['Je saldo is nu {amount}.', 'Your balance is now {amount}.'],
  pay_other_browser_title: ['Deze telefoon doet nog niet mee', 'This phone is not taking part yet'],
  pay_other_browser: [
    'Je hebt de code geopend in een browser waarin je nog niet meedoet. Open Heitje op je telefoon en scan de code daar, of open deze link in de browser waarmee je meedoet.',
    'You opened the code in a browser in which you are not taking part yet. Open Heitje on your phone and scan the code there, or open this link in the browser you take part with.',
  ],
  pay_app_hint: [
    'Staat Heitje als app op je beginscherm? Dan opent je telefoon zo’n link vaak vanzelf in die app. Lukt dat niet, open dan de app en scan de code opnieuw.',
    'Is Heitje an app on your home screen? Then your phone often opens such a link in that app by itself. If it does not, open the app and scan the code again.',
  ],
  pay_join_here: [
    'Wil je met deze telefoon meedoen? Maak hier je account; daarna laat je je aanmelden bij de gemeente.',
    'Do you want to take part with this phone? Make your account here; then have the municipality register you.',
  ],
  pay_one_tap: ['Je wordt aangemeld en betaalt in één keer.', 'You are signed in and pay in one go.'],
  // merchant
  amount: ['Bedrag in euro', 'Amount in euros'],
  amount_hint: ['Bijvoorbeeld 3,50', 'For example 3.50'],
  amount_invalid: ['Vul een bedrag in, zoals 3,50.', 'Enter an amount, like 3.50.'],
  confirmed: ['bevestigd', 'confirmed'],
  cashout_paid: ['uitbetaald (kenmerk {ref})', 'paid out (reference {ref})'],
  cashout_number: ['Uitbetaling {id}', 'Cash-out {id}'],
  // city
  // the registrar's desk (desk.js)
  select_payout: ['Selecteer {what}', 'Select {what}'],
  // Waiting for the desk with a join code (joincode.js), and the shop's "Wacht op aanmelding".
  jc_code_label: ['Code:', 'Code:'],
  jc_valid: ['Deze code is geldig tot {time}.', 'This code is valid until {time}.'],
  jc_waiting: ['Wacht op aanmelding…', 'Waiting to be registered…'],
  jc_registered: ['Je bent aangemeld.', 'You are registered.'],
  // The merchant manager's page (city_shops.js).
  shops_scan: ['QR-code scannen', 'Scan the QR code'],
  shopkind_bakery: ['Bakkerij', 'Bakery'],
  shopkind_bar: ['Café', 'Bar'],
  'shopkind_bike shop': ['Fietsenwinkel', 'Bike shop'],
  shopkind_bookshop: ['Boekhandel', 'Bookshop'],
  shopkind_culture: ['Cultuur', 'Culture'],
  shopkind_restaurant: ['Restaurant', 'Restaurant'],
  shopkind_shop: ['Winkel', 'Shop'],
  shopkind_theatre: ['Theater', 'Theatre'],
  duration_hours: ['{n} uur', '{n} hour(s)'],
  duration_days: ['{n} dagen', '{n} days'],
  duration_day: ['1 dag', '1 day'],
  duration_weeks: ['{n} weken', '{n} weeks'],
  duration_week: ['1 week', '1 week'],
  // ---------------------------------------------------------------- #15 newcomer defects: session ended, demo names, map (H1)
  session_expired: ['Je sessie is verlopen. Meld je opnieuw aan om verder te gaan.', 'Your session has ended. Please sign in again to continue.'],
  session_expired_title: ['Je sessie is verlopen', 'Your session has ended'],
  session_expired_why: ['Meld je opnieuw aan; daarna kun je verder waar je was.', 'Sign in again; then you can carry on where you were.'],
  session_back: ['Je bent weer aangemeld. Probeer het nog een keer.', 'You are signed in again. Please try once more.'],
  demo_citizen_named: ['{name} (inwoner {id})', '{name} (resident {id})'],
  demo_city_named: ['{name} ({roles})', '{name} ({roles})'],
  demo_named: ['{name} (nog niet geregistreerd)', '{name} (not registered yet)'],

  // ---------------------------------------------------------------- #15 Stadsbeheer: commissioning, the tasks overview, safety before claiming (H2)
  claim_after_safety: ['Gelezen: klus aannemen', 'Read: take on this task'],
  safety_title: ['Veilig werken', 'Working safely'],
  safety_general: ['Draag handschoenen, blijf uit de buurt van verkeer en stop als iets onveilig voelt.', 'Wear gloves, keep away from traffic and stop if anything feels unsafe.'],
  safety_minutes: ['De gemeente schat dat het ongeveer {n} minuten werk is.', 'The city estimates it is about {n} minutes of work.'],
  safety_read_first: ['Lees dit eerst. Daarna neem je de klus aan.', 'Read this first. Then take on the task.'],
  safety_back: ['Nog niet', 'Not now'],

  // ---------------------------------------------------------------- #15 evidence: hand-in photos, review checks, reasons (H3)
  photo_no_preview: ['Deze foto kan je telefoon hier niet laten zien. Hij wordt wel meegestuurd.', 'Your phone cannot show this photo here. It is sent all the same.'],
  photo_refused: ['Deze foto is niet aangenomen. Kies een andere foto of maak een nieuwe.', 'This photo was not accepted. Choose another photo or take a new one.'],
  reason_choose: ['Kies een reden', 'Choose a reason'],
  reason_missing: ['Kies eerst een reden: de inwoner leest die.', 'Choose a reason first: the resident reads it.'],
  reason_reads: ['De inwoner leest: {text}', 'The resident reads: {text}'],
  reason_short_photos: ['Foto’s ontbreken/onduidelijk', 'Photos missing/unclear'],
  reason_short_unfinished: ['Werk nog niet af', 'Work not finished'],
  reason_short_location: ['Niet op de plek gemaakt', 'Not taken at the place'],
  reason_short_instructions: ['Niet volgens omschrijving', 'Not as described'],
  reason_short_unsafe: ['Onveilig gewerkt', 'Worked unsafely'],
  reason_short_duplicate: ['Al eerder ingestuurd', 'Submitted before'],

  // ---------------------------------------------------------------- #15 Financiën: payout files, the books (H4)

  // ---------------------------------------------------------------- #15 shops: day overview, refunds, accountant's CSV, cash-out history, who's involved (H5)

  // ---------------------------------------------------------------- #15 residents: where to spend, messages, push (H6)
  shops_title: ['Waar kun je betalen?', 'Where can you pay?'],
  shops_intro: [
    'Bij deze winkels, cafés en culturele plekken in Heerlen betaal je met je Heitjes.',
    'At these shops, cafés and cultural venues in Heerlen you pay with your Heitjes.',
  ],
  shops_count: ['{n} plekken', '{n} places'],
  shops_none: ['Er doen nog geen winkels mee.', 'No shops take part yet.'],
  shops_failed: ['De winkels konden niet geladen worden. Probeer het later opnieuw.', 'The shops could not be loaded. Please try again later.'],
  shops_view_list: ['Overzicht', 'Overview'],
  shops_view_map: ['Plattegrond', 'Street plan'],
  shops_view_label: ['Winkels tonen als', 'Show the shops as'],
  shops_near: ['Dichtstbij eerst', 'Nearest first'],
  shops_near_busy: ['Je locatie opvragen…', 'Finding your location…'],
  shops_near_done: [
    'Gesorteerd op afstand van waar je nu bent. Je locatie blijft op je telefoon: we sturen hem nergens heen.',
    'Sorted by distance from where you are now. Your location stays on your phone: we send it nowhere.',
  ],
  shops_near_denied: [
    'Je locatie is niet gedeeld. De plekken staan op wijk en naam; je kunt locatie toestaan in de instellingen van je browser.',
    'Your location was not shared. The places are sorted by neighbourhood and name; you can allow location in your browser’s settings.',
  ],
  shops_order_home: ['Eerst je eigen wijk ({hood}), daarna op naam.', 'Your own neighbourhood ({hood}) first, then by name.'],
  shops_order_name: ['Op naam.', 'By name.'],
  shop_open: ['Open: {hours}', 'Open: {hours}'],
  shop_distance_m: ['{n} m', '{n} m'],
  shop_distance_km: ['{n} km', '{n} km'],
  shop_distance_label: ['Afstand', 'Distance'],
  shops_map_label: ['Kaart met de winkels', 'Map of the shops'],
  inbox_nav: ['Berichten', 'Messages'],
  inbox_new_word: ['nieuw', 'new'],
  inbox_title: ['Berichten', 'Messages'],
  inbox_intro: [
    'Hier lees je wanneer je klus is goedgekeurd of afgekeurd, en wanneer je tijd bijna om is.',
    'Here you read when your task was approved or rejected, and when your time is nearly up.',
  ],
  inbox_none: ['Nog geen berichten.', 'No messages yet.'],
  inbox_new: ['Nieuw', 'New'],
  inbox_card_unread: ['Je hebt {n} nieuw bericht', 'You have {n} new message'],
  inbox_card_unread_many: ['Je hebt {n} nieuwe berichten', 'You have {n} new messages'],
  inbox_card_open: ['Lees je berichten', 'Read your messages'],
  inbox_approved: ['Goedgekeurd: {task}', 'Approved: {task}'],
  inbox_approved_text: ['Je kreeg {amount}. Goed gedaan!', 'You received {amount}. Well done!'],
  inbox_rejected: ['Afgekeurd: {task}', 'Not approved: {task}'],
  inbox_rejected_text: ['Reden: {reason}', 'Reason: {reason}'],
  inbox_rejected_until: ['Je kunt tot {date} nieuwe foto’s inleveren of bezwaar maken.', 'You can hand in new photos or appeal until {date}.'],
  inbox_expiring: ['Loopt bijna af: {task}', 'Runs out soon: {task}'],
  inbox_expiring_text: ['Lever je foto’s in vóór {date}.', 'Hand in your photos before {date}.'],
  inbox_open_task: ['Naar de klus', 'Go to the task'],
  inbox_received: ['Ontvangen {date}', 'Received {date}'],
  push_title: ['Meldingen op deze telefoon', 'Notifications on this phone'],
  push_intro: [
    'Krijg een melding als je klus is beoordeeld of bijna afloopt. In de melding staat alleen wat er gebeurde: geen namen, geen bedragen.',
    'Get a notification when your task is reviewed or nearly runs out. It only says what happened: no names, no amounts.',
  ],
  push_on: ['Meldingen aanzetten', 'Turn notifications on'],
  push_off: ['Meldingen uitzetten', 'Turn notifications off'],
  push_busy: ['Even geduld…', 'One moment…'],
  push_is_on: ['Meldingen staan aan op deze telefoon.', 'Notifications are on for this phone.'],
  push_is_off: ['Meldingen staan uit. Je berichten blijven hier staan.', 'Notifications are off. Your messages stay here.'],
  push_denied: [
    'Meldingen zijn geblokkeerd voor deze site. Zet ze aan in de instellingen van je browser, of lees je berichten hier.',
    'Notifications are blocked for this site. Allow them in your browser’s settings, or read your messages here.',
  ],
  push_unsupported: [
    'Deze browser kan geen meldingen tonen. Je berichten staan altijd hier.',
    'This browser cannot show notifications. Your messages are always here.',
  ],
  push_unavailable: ['Meldingen zijn nog niet beschikbaar. Je berichten staan wel hier.', 'Notifications are not available yet. Your messages are here.'],
  // ---------------------------------------------------------------- #16 residents: milestones, streaks, neighbourhood goals (S3)
  engagement_title: ['Jouw klussen en je buurt', 'Your tasks and your neighbourhood'],
  goal_text: ['{hood}: {target} klussen deze maand, nog {left}', '{hood}: {target} tasks this month, {left} to go'],
  goal_reached: ['{hood}: {target} klussen deze maand, gehaald!', '{hood}: {target} tasks this month, reached!'],
  goal_done: ['{done} van {target} klussen gedaan', '{done} of {target} tasks done'],
  milestone_first_task: ['Eerste klus', 'First task'],
  milestone_five_tasks: ['Vijf klussen', 'Five tasks'],
  milestone_full_season: ['Een heel seizoen: elke maand een klus', 'A whole season: a task every month'],
  milestone_reached: ['gehaald op {date}', 'reached on {date}'],
  milestone_not_yet: ['nog niet gehaald', 'not reached yet'],
  streak_none: ['Doe deze maand een klus en begin een reeks.', 'Do a task this month to start a streak.'],
  streak_one: ['1 maand op rij een klus gedaan.', 'A task done 1 month in a row.'],
  streak_many: ['{n} maanden op rij een klus gedaan.', 'A task done {n} months in a row.'],
  season_text: ['{season}: in {done} van de 3 maanden een klus gedaan.', '{season}: a task done in {done} of its 3 months.'],
  season_winter: ['Deze winter', 'This winter'],
  season_spring: ['Deze lente', 'This spring'],
  season_summer: ['Deze zomer', 'This summer'],
  season_autumn: ['Deze herfst', 'This autumn'],
  // ---------------------------------------------------------------- #16 residents: reporting a spot that needs care (R)
  report_card_title: ['Meld een plek', 'Report a spot'],
  report_card_intro: ['Zie je in je buurt een plek die zorg nodig heeft? Maak een foto en meld het. De gemeente kan er een klus van maken.', 'Do you see a spot in your neighbourhood that needs care? Take a photo and report it. The city can turn it into a task.'],
  report_open_form: ['Meld een plek', 'Report a spot'],
  report_mine: ['Jouw meldingen', 'Your reports'],
  report_sent_on: ['Gemeld op {date} in {hood}.', 'Reported on {date} in {hood}.'],
  report_state_received: ['Ontvangen', 'Received'],
  report_state_task: ['Klus geworden', 'Became a task'],
  report_state_declined: ['Niet opgepakt', 'Not taken up'],
  report_became_task: ['Jouw melding is een klus geworden.', 'Your report has become a task.'],
  report_open_task: ['Bekijk de klus', 'See the task'],
  report_declined_reason: ['De gemeente pakt dit niet op. Reden: {reason}', 'The city will not take this up. Reason: {reason}'],
  report_spot_title: ['Meld een plek', 'Report a spot'],
  report_spot_intro: ['Een foto, de plek op de kaart en een paar woorden: meer is niet nodig.', 'A photo, the spot on the map and a few words: that is all.'],
  report_form_title: ['Jouw melding', 'Your report'],
  report_photo: ['Foto van de plek', 'Photo of the spot'],
  report_photo_hint: ['Maak een foto met je telefoon of kies er een.', 'Take a photo with your phone or choose one.'],
  report_photo_preview: ['De foto die je koos', 'The photo you chose'],
  report_hood: ['Buurt', 'Neighbourhood'],
  report_where: ['Waar is het?', 'Where is it?'],
  report_pin_hint: ['Tik op de kaart op de plek. Of tik op "Gebruik mijn locatie" als je er nu staat.', 'Tap the spot on the map. Or tap "Use my location" if you are there now.'],
  report_map_label: ['Kaart: tik op de plek', 'Map: tap the spot'],
  report_map_no_tiles: ['De kaart heeft nu geen achtergrond. Kies de buurt hierboven, of gebruik je locatie.', 'The map has no background right now. Choose the neighbourhood above, or use your location.'],
  report_map_failed: ['De kaart kon niet laden. De melding gaat naar het midden van de buurt die je kiest.', 'The map could not load. The report goes to the middle of the neighbourhood you choose.'],
  report_use_location: ['Gebruik mijn locatie', 'Use my location'],
  report_location_busy: ['Je plek wordt gezocht…', 'Finding where you are…'],
  report_location_failed: ['Je plek kon niet gevonden worden. Tik zelf op de kaart.', 'Your location could not be found. Tap the map yourself.'],
  report_pin_centre: ['De speld staat midden in {hood}. Tik op de kaart om hem op de plek te zetten.', 'The pin is in the middle of {hood}. Tap the map to put it on the spot.'],
  report_pin_placed: ['De speld staat waar je tikte.', 'The pin is where you tapped.'],
  report_pin_here: ['De speld staat op de plek waar je nu bent. Klopt het niet? Tik op de kaart.', 'The pin is where you are now. Not right? Tap the map.'],
  report_text: ['Wat is er aan de hand?', 'What is wrong?'],
  report_text_hint: ['Kort, {min} tot {max} tekens. Geen namen of adressen van mensen.', 'Short, {min} to {max} characters. No names or addresses of people.'],
  report_text_count: ['{n} van {max} tekens', '{n} of {max} characters'],
  report_privacy: ['Je foto wordt bewaard zonder plaats- of toestelgegevens. Maakt de gemeente er een klus van, dan staat je foto bij de klus. De gemeente ziet alleen je inwonernummer.', 'Your photo is kept without location or device data. If the city turns it into a task, your photo is shown with the task. The city sees only your resident number.'],
  report_send: ['Melding versturen', 'Send report'],
  report_sending: ['Je melding wordt verstuurd…', 'Sending your report…'],
  report_photo_missing: ['Kies eerst een foto van de plek.', 'Choose a photo of the spot first.'],
  report_text_missing: ['Schrijf in een paar woorden wat er aan de hand is (minstens {min} tekens).', 'Say in a few words what is wrong (at least {min} characters).'],
  report_sent: ['Dank je wel! Je melding is ontvangen.', 'Thank you! Your report has been received.'],
  inbox_report_task: ['Jouw melding is een klus geworden', 'Your report has become a task'],
  inbox_report_task_text: ['De gemeente maakte er de klus "{task}" van.', 'The city turned it into the task "{task}".'],
};

let lang = (() => {
  try {
    const saved = localStorage.getItem(KEY);
    if (saved === 'nl' || saved === 'en') return saved;
  } catch {
    /* storage blocked: Dutch */
  }
  return 'nl';
})();

export function getLang() {
  return lang;
}

export function setLang(next) {
  lang = next === 'en' ? 'en' : 'nl';
  try {
    localStorage.setItem(KEY, lang);
  } catch {
    /* storage blocked: this page only */
  }
  document.documentElement.lang = lang;
}

// More texts from a page's own table (texts_city.js, texts_shop.js): a key is never given twice.
export function addTexts(more) {
  for (const [key, pair] of Object.entries(more)) {
    if (key in T && T[key] !== pair) throw new Error(`text ${key} is given twice`);
    T[key] = pair;
  }
}

export function t(key, vars) {
  const pair = T[key];
  let text = pair ? pair[lang === 'en' ? 1 : 0] : key;
  if (vars) {
    for (const [name, value] of Object.entries(vars)) text = text.split(`{${name}}`).join(String(value));
  }
  return text;
}

export function has(key) {
  return Object.prototype.hasOwnProperty.call(T, key);
}

// Cents -> "€ 12,50" (Dutch) or "€12.50" (English). 1 Heitje = 1 euro.
export function money(cents) {
  const value = Number(cents || 0) / 100;
  return new Intl.NumberFormat(lang === 'en' ? 'en-IE' : 'nl-NL', {
    style: 'currency',
    currency: 'EUR',
  }).format(value);
}

// "12,50", "12.50", "€ 12", "12" -> 1250 cents; null when it is not an amount.
export function parseMoney(text) {
  const cleaned = String(text || '').replace(/[€\s]/g, '').replace('EUR', '');
  if (!/^\d{1,7}([.,]\d{1,2})?$/.test(cleaned)) return null;
  const [whole, part = ''] = cleaned.replace(',', '.').split('.');
  const cents = Number(whole) * 100 + Number(part.padEnd(2, '0'));
  return cents > 0 ? cents : null;
}

function locale() {
  return lang === 'en' ? 'en-GB' : 'nl-NL';
}

export function date(unixSeconds) {
  return new Intl.DateTimeFormat(locale(), {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'Europe/Amsterdam',
  }).format(new Date(unixSeconds * 1000));
}

export function dateTime(unixSeconds) {
  return new Intl.DateTimeFormat(locale(), {
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
    timeZone: 'Europe/Amsterdam',
  }).format(new Date(unixSeconds * 1000));
}

export function time(unixSeconds) {
  return new Intl.DateTimeFormat(locale(), {
    hour: '2-digit',
    minute: '2-digit',
    timeZone: 'Europe/Amsterdam',
  }).format(new Date(unixSeconds * 1000));
}

export function monthName(yyyyMm) {
  const [year, month] = yyyyMm.split('-').map(Number);
  return new Intl.DateTimeFormat(locale(), { month: 'short', year: 'numeric', timeZone: 'UTC' }).format(
    new Date(Date.UTC(year, month - 1, 15)),
  );
}

export function duration(seconds) {
  const hours = Math.round(seconds / 3600);
  if (hours < 24) return t('duration_hours', { n: hours });
  const days = Math.round(hours / 24);
  if (days === 1) return t('duration_day');
  if (days === 7) return t('duration_week');
  if (days % 7 === 0) return t('duration_weeks', { n: days / 7 });
  return t('duration_days', { n: days });
}

export function roleName(role) {
  return has(`role_${role}`) ? t(`role_${role}`) : role;
}
