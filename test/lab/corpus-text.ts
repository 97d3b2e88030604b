// Owns the corpus's words: people, subjects and sentences in several languages, and which charsets each may be sent in.
//
// Every string here must be encodable in each charset listed for its language; the generator checks with
// canEncode() and falls back to UTF-8, and the unit test catches a typo that would force the fallback everywhere.
import type { Charset } from './corpus-encoding';

export interface Language {
  code: string;
  /** Charsets real mailers use for this language, most common first. */
  charsets: Charset[];
  /** Timezone offsets (minutes east of UTC) a sender of this language plausibly writes from. */
  offsets: number[];
  /** [display name, ASCII local part] pairs. */
  people: Array<[string, string]>;
  subjects: string[];
  sentences: string[];
  greeting: (firstName: string) => string;
  signOff: string;
  /** Reply attribution line above a quote. */
  wrote: (name: string) => string;
  /** Whether words are separated by spaces (controls line wrapping). */
  spaced: boolean;
}

export const LANGUAGES: Language[] = [
  {
    code: 'en',
    charsets: ['us-ascii', 'utf-8'],
    offsets: [-300, -480, 0, -240, 60],
    people: [
      ['Olivia Bennett', 'olivia.bennett'], ['James O\'Connor', 'james.oconnor'], ['Priya Raman', 'priya'], ['Marcus Lee', 'mlee'],
      ['Hannah Whitfield', 'hannah.w'], ['Dr. Samuel Ortiz', 'sortiz'], ['Grace Kim', 'grace.kim'], ['Tom Fletcher', 'tom'],
      ['Build Bot', 'noreply-ci'], ['Accounts Payable', 'ap'], ['Nguyen, Linh', 'linh.nguyen'], ['Ellie "EJ" Jameson', 'ej'],
    ],
    subjects: [
      'Quarterly report draft', 'Lunch on Thursday?', 'Build #4821 failed on main', 'Invoice 2024-0117 attached',
      'Notes from the design review', 'Re-scheduling our 1:1', 'Welcome to the team!', 'Your order has shipped',
      'Question about the IMAP sync cursor', 'Weekend hiking plans', 'Conference travel: hotel options',
      'Action required: password expires in 3 days', 'Minutes: platform sync (week 12)', 'Photos from the offsite',
      'Can you review PR 311 before Friday? It touches the threading code and the store migration', 'Budget sign-off',
    ],
    sentences: [
      'Thanks for sending this over so quickly.', 'I have attached the latest version for your review.',
      'Could we move the meeting to Thursday afternoon instead?', 'The numbers look good, but the forecast for Q3 seems optimistic.',
      'Let me know if anything is unclear.', 'I will be out of office next week with limited access to email.',
      'The migration finished overnight without errors.', 'Please confirm the shipping address before we proceed.',
      'We still need a decision on the vendor by the end of the month.', 'I think the second option is simpler to maintain.',
      'Attached are the slides from yesterday, including the backup section we skipped.',
      'The test suite is green again after reverting the cache change.', 'Happy to jump on a call if that is easier.',
      'See the comments inline below.', 'Our team reviewed the proposal and has a few questions about the timeline.',
    ],
    greeting: (name) => `Hi ${name},`,
    signOff: 'Best regards,',
    wrote: (name) => `${name} wrote:`,
    spaced: true,
  },
  {
    code: 'fr',
    charsets: ['iso-8859-1', 'utf-8'],
    offsets: [60, 120],
    people: [
      ['Élodie Fournier', 'elodie.fournier'], ['François Lefèvre', 'f.lefevre'], ['Zoé Marchand', 'zoe'], ['Jérôme Gauthier', 'jgauthier'],
      ['Hélène Dubois', 'helene.dubois'], ['Benoît Rousseau', 'benoit'],
    ],
    subjects: [
      'Réunion de lundi : ordre du jour', 'Compte rendu de la présentation', 'Félicitations pour ta promotion !',
      'Réservation à l\'hôtel confirmée', 'Question sur la facture de décembre', 'Déjeuner d\'équipe à la brasserie',
      'Prévisions budgétaires pour l\'été', 'Rappel : échéance du dossier vendredi',
    ],
    sentences: [
      'Merci beaucoup pour ton retour rapide.', 'Je t\'envoie le document révisé en pièce jointe.',
      'Pourrions-nous décaler la réunion à jeudi après-midi ?', 'Les chiffres sont encourageants, même si l\'été a été calme.',
      'N\'hésite pas à me dire si quelque chose n\'est pas clair.', 'Je serai en congé la semaine prochaine.',
      'L\'équipe a déjà validé la première étape du projet.', 'Voici le résumé de nos échanges de ce matin.',
    ],
    greeting: (name) => `Bonjour ${name},`,
    signOff: 'Bien cordialement,',
    wrote: (name) => `${name} a écrit :`,
    spaced: true,
  },
  {
    code: 'de',
    charsets: ['iso-8859-1', 'utf-8'],
    offsets: [60, 120],
    people: [
      ['Jürgen Groß', 'juergen.gross'], ['Käthe Müller', 'kaethe.mueller'], ['Björn Schäfer', 'bjoern'], ['Lena Weiß', 'lena.weiss'],
      ['Özlem Yilmaz-Becker', 'oezlem'], ['Max Möller', 'max.moeller'],
    ],
    subjects: [
      'Besprechung am Freitag - Tagesordnung', 'Grüße aus München', 'Änderungen im Vertrag (Entwurf 3)', 'Frühstück im Büro',
      'Rückfrage zur Übergabe', 'Urlaubsplanung für März', 'Prüfbericht für das Gerät Nr. 42', 'Schönes Wochenende!',
    ],
    sentences: [
      'Vielen Dank für die schnelle Rückmeldung.', 'Anbei findest du die überarbeitete Fassung.',
      'Können wir das Gespräch auf Donnerstag verschieben?', 'Die Zahlen sehen gut aus, aber die Prognose ist sehr optimistisch.',
      'Bei Fragen melde dich gerne jederzeit.', 'Ich bin nächste Woche im Urlaub und nur eingeschränkt erreichbar.',
      'Die Übergabe an das neue Team ist für Mittwoch geplant.', 'Größere Änderungen sollten wir gemeinsam besprechen.',
    ],
    greeting: (name) => `Hallo ${name},`,
    signOff: 'Viele Grüße',
    wrote: (name) => `${name} schrieb:`,
    spaced: true,
  },
  {
    code: 'es',
    charsets: ['iso-8859-1', 'utf-8'],
    offsets: [60, -300, -180],
    people: [['José Núñez', 'jose.nunez'], ['Begoña Peña', 'begona'], ['Iñaki Ibáñez', 'inaki'], ['María Fernández', 'maria.f']],
    subjects: ['¿Quedamos el sábado?', 'Información sobre la reunión de mañana', 'Presupuesto para el año próximo', '¡Enhorabuena, equipo!'],
    sentences: [
      'Muchas gracias por tu respuesta tan rápida.', 'Te adjunto la versión revisada del documento.',
      '¿Podríamos cambiar la reunión al jueves por la tarde?', 'El informe está casi terminado, sólo falta la última sección.',
      'Avísame si necesitas algo más.', 'La próxima semana estaré de vacaciones en la montaña.',
    ],
    greeting: (name) => `Hola ${name}:`,
    signOff: 'Un saludo,',
    wrote: (name) => `${name} escribió:`,
    spaced: true,
  },
  {
    code: 'pl',
    charsets: ['iso-8859-2', 'utf-8'],
    offsets: [60, 120],
    people: [['Łukasz Wróbel', 'lukasz.wrobel'], ['Zofia Żółkiewska', 'zofia'], ['Michał Dąbrowski', 'michal.d'], ['Agnieszka Ślązak', 'aga']],
    subjects: ['Spotkanie w środę', 'Zażółć gęślą jaźń - test kodowania', 'Faktura za październik', 'Życzenia świąteczne'],
    sentences: [
      'Dziękuję za szybką odpowiedź.', 'W załączniku przesyłam poprawioną wersję dokumentu.',
      'Czy możemy przełożyć spotkanie na czwartek?', 'Pozdrawiam serdecznie całą ekipę z Łodzi.',
      'Daj znać, jeśli coś będzie niejasne.',
    ],
    greeting: (name) => `Cześć ${name},`,
    signOff: 'Pozdrawiam,',
    wrote: (name) => `${name} napisał(a):`,
    spaced: true,
  },
  {
    code: 'ru',
    charsets: ['windows-1251', 'koi8-r', 'utf-8'],
    offsets: [180],
    people: [
      ['Алексей Смирнов', 'a.smirnov'], ['Наталья Кузнецова', 'natalia.k'], ['Дмитрий Соколов', 'dsokolov'], ['Ольга Попова', 'olga'],
      ['Сергей Лебедев', 'sergey'], ['Ёлка Фёдорова', 'yolka'],
    ],
    subjects: [
      'Отчёт за третий квартал', 'Встреча в пятницу', 'Привет из Москвы!', 'Счёт на оплату 318',
      'Вопрос по синхронизации почты', 'Планы на выходные', 'Протокол совещания от вторника',
    ],
    sentences: [
      'Спасибо за быстрый ответ.', 'Во вложении новая версия документа.', 'Можем ли мы перенести встречу на четверг?',
      'Цифры выглядят хорошо, но прогноз слишком оптимистичный.', 'Если что-то непонятно, напиши мне.',
      'На следующей неделе я буду в отпуске.', 'Ёжик в тумане снова опоздал на поезд.',
    ],
    greeting: (name) => `Привет, ${name}!`,
    signOff: 'С уважением,',
    wrote: (name) => `${name} написал(а):`,
    spaced: true,
  },
  {
    code: 'el',
    charsets: ['iso-8859-7', 'utf-8'],
    offsets: [120, 180],
    people: [['Γιώργος Παπαδόπουλος', 'giorgos.p'], ['Ελένη Νικολάου', 'eleni'], ['Δημήτρης Οικονόμου', 'dimitris']],
    subjects: ['Συνάντηση την Τρίτη', 'Αναφορά προόδου', 'Καλό Σαββατοκύριακο!'],
    sentences: [
      'Ευχαριστώ για τη γρήγορη απάντηση.', 'Σας στέλνω συνημμένο το αναθεωρημένο έγγραφο.',
      'Μπορούμε να μεταφέρουμε τη συνάντηση την Πέμπτη;', 'Τα αποτελέσματα είναι πολύ ενθαρρυντικά.',
    ],
    greeting: (name) => `Γεια σου ${name},`,
    signOff: 'Με εκτίμηση,',
    wrote: (name) => `Ο/Η ${name} έγραψε:`,
    spaced: true,
  },
  {
    code: 'ja',
    charsets: ['iso-2022-jp', 'utf-8'],
    offsets: [540],
    people: [['山田 太郎', 'taro.yamada'], ['佐藤 花子', 'hanako'], ['鈴木 一郎', 'ichiro.suzuki'], ['高橋 美咲', 'misaki']],
    subjects: ['会議の日程について', '見積書の送付', 'お疲れさまです', '来週の出張の件', '新しいメールクライアントの試験運用'],
    sentences: [
      'いつもお世話になっております。', '資料を添付いたしましたので、ご確認ください。', '来週の会議を木曜日に変更できますか。',
      'ご不明な点がございましたら、お気軽にお問い合わせください。', '今後ともよろしくお願いいたします。',
    ],
    greeting: (name) => `${name}様`,
    signOff: 'よろしくお願いします。',
    wrote: (name) => `${name} さんは書きました:`,
    spaced: false,
  },
  {
    code: 'zh',
    charsets: ['gb2312', 'utf-8'],
    offsets: [480],
    people: [['王伟', 'wang.wei'], ['李娜', 'li.na'], ['张敏', 'zhang.min'], ['陈静', 'chen.jing']],
    subjects: ['关于下周会议的安排', '季度报告草稿', '发票已发送', '周末愉快！'],
    sentences: ['谢谢你的快速回复。', '附件是修改后的文件，请查收。', '我们可以把会议改到星期四下午吗？', '如果有任何问题，请随时联系我。'],
    greeting: (name) => `${name}，你好：`,
    signOff: '祝好，',
    wrote: (name) => `${name} 写道：`,
    spaced: false,
  },
  {
    code: 'emoji',
    charsets: ['utf-8'],
    offsets: [0, 60, -420],
    people: [['Zoë 🦊 Park', 'zoe.park'], ['Ana 🌻 Souza', 'ana.souza'], ['Raj 🚀 Mehta', 'raj']],
    subjects: ['🎉 Launch day!', 'Coffee? ☕', 'Trip photos 📸 from Lisbon', 'Status: all green ✅'],
    sentences: [
      'We shipped it 🚀 — thanks everyone!', 'Coffee at 3? ☕', 'The photos are in the shared album 📸.',
      'Everything passed ✅, merging now.', 'Naïve café crème costs €4.50 now 😅.',
    ],
    greeting: (name) => `Hey ${name} 👋`,
    signOff: 'Cheers,',
    wrote: (name) => `${name} wrote:`,
    spaced: true,
  },
];

/** How often each language is chosen: mostly English, as in a typical mailbox, with a long tail. */
export const LANGUAGE_WEIGHTS: Record<string, number> = { en: 55, fr: 7, de: 7, es: 4, pl: 3, ru: 8, el: 2, ja: 6, zh: 4, emoji: 4 };

export const SENDER_DOMAINS = ['example.com', 'example.org', 'example.net', 'mail.example', 'corp.example.com', 'lists.example.org'];

export const MAILING_LISTS = [
  { id: 'heron-dev.lists.example.org', name: 'heron-dev', address: 'heron-dev@lists.example.org' },
  { id: 'announce.example.net', name: 'announce', address: 'announce@example.net' },
];

export const ATTACHMENT_NAMES = {
  pdf: ['report.pdf', 'Invoice-2024-0117.pdf', 'Отчёт за квартал.pdf', 'présentation finale.pdf', '見積書.pdf'],
  png: ['screenshot.png', 'diagram.png', 'фото.png', 'logo (1).png'],
  csv: ['export.csv', 'données.csv', 'numbers_Q3.csv'],
  bin: ['firmware.bin', 'archive.dat', 'backup.bin'],
  txt: ['notes.txt', 'Übersicht.txt', 'readme.txt'],
};
